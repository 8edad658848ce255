/**
 * Plans one pull/merge request head: `meshpeer/plan` pending, read peerings.yaml at the exact
 * head commit, and either report the positioned errors of an invalid file (without contacting any
 * cluster) or observe the clusters read-only, plan, and upsert the one plan comment.
 */

import type { ClusterClient } from '../kube/cluster-client.ts';
import { type Plan, renderMarkdown } from '../plan/index.ts';
import { summaryLine } from '../plan/render-common.ts';
import { classifyError } from '../run/error-class.ts';
import { planTopology } from '../run/plan-topology.ts';
import { ScmError } from '../scm/scm-error.ts';
import type { CommentResult, ScmPublisher } from '../scm/scm-publisher.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { type GitSource, pullRequestHeadRef } from '../source/git-source.ts';
import { type Diagnostic, formatDiagnostic, parseTopology, type Topology } from '../topology/index.ts';
import { erroredCheckRun, invalidCheckRun, plannedCheckRun } from './plan-check-run.ts';
import type { PlanPrEvent } from './sync-event.ts';

/** What planning a pull request needs. */
export interface PlanDeps {
  readonly source: GitSource;
  readonly path: string;
  readonly publisher: ScmPublisher;
  /** Cluster clients for a topology; only called for a valid file. */
  readonly clients: (topology: Topology) => (cluster: string) => ClusterClient;
  readonly observeTimeoutMs?: number;
  /** An exported service missing from its partition's catalog is an error (`serve --strict`). */
  readonly strict?: boolean;
  /** Link shown with the commit status (the status page). */
  readonly targetUrl?: string;
}

/** How planning ended; also the `result` label of the plan metric. */
export type PlanResult = 'planned' | 'invalid' | 'error';

/** The outcome of one plan job. */
export interface PlanOutcome {
  readonly result: PlanResult;
  readonly sha: string;
  readonly comment?: CommentResult;
  readonly plan?: Plan;
  readonly error?: string;
  /** For an error: whether planning again later may succeed (Git or the SCM API unreachable, 5xx). */
  readonly transient?: boolean;
}

const MAX_LISTED_ERRORS = 50;

/** The comment for an invalid file: every positioned error, nothing planned. */
export function invalidFileMarkdown(path: string, diagnostics: readonly Diagnostic[]): string {
  const listed = diagnostics.slice(0, MAX_LISTED_ERRORS).map(formatDiagnostic);
  const more = diagnostics.length - listed.length;
  return [
    `### meshpeer plan for \`${path}\`: ❌ invalid`,
    '',
    `The file has ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}. Nothing was planned and no cluster was contacted; fix these and push again.`,
    '',
    '```text',
    ...listed,
    ...(more > 0 ? [`… and ${more} more`] : []),
    '```',
  ].join('\n');
}

function invalidDescription(diagnostics: readonly Diagnostic[]): string {
  const first = diagnostics[0];
  const count = `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`;
  return first === undefined ? `invalid: ${count}` : `invalid (${count}): ${formatDiagnostic(first)}`;
}

/** Plans `event.headSha` and publishes the comment and status. Never throws for planning failures. */
export async function planPullRequest(event: PlanPrEvent, deps: PlanDeps): Promise<PlanOutcome> {
  const sha = event.headSha;
  const link = deps.targetUrl === undefined ? {} : { targetUrl: deps.targetUrl };
  const detailsLink = deps.targetUrl === undefined ? {} : { detailsUrl: deps.targetUrl };
  const status = (state: 'pending' | 'success' | 'failure' | 'error', description: string) =>
    deps.publisher.setStatus(sha, { context: 'meshpeer/plan', state, description, ...link });
  await status('pending', `planning ${deps.path} at ${sha.slice(0, 7)}`);
  try {
    await deps.source.fetchRevision(sha, pullRequestHeadRef(event.provider, event.number));
    const content = await deps.source.readFile(sha, deps.path);
    const parsed = parseTopology(content, deps.path);
    if (!parsed.ok) {
      const comment = await deps.publisher.upsertPlanComment(
        event.number,
        invalidFileMarkdown(deps.path, parsed.diagnostics),
      );
      await status('failure', invalidDescription(parsed.diagnostics));
      await deps.publisher.publishCheckRun?.(sha, {
        ...invalidCheckRun(deps.path, parsed.diagnostics),
        ...detailsLink,
      });
      return { result: 'invalid', sha, comment };
    }
    const { plan } = await planTopology(parsed.topology, deps.clients(parsed.topology), {
      ...(deps.observeTimeoutMs !== undefined && { timeoutMs: deps.observeTimeoutMs }),
      strict: deps.strict === true,
    });
    const comment = await deps.publisher.upsertPlanComment(event.number, renderMarkdown(plan));
    await status('success', summaryLine(plan));
    await deps.publisher.publishCheckRun?.(sha, { ...plannedCheckRun(deps.path, plan), ...detailsLink });
    return { result: 'planned', sha, comment, plan };
  } catch (err) {
    const message = safeErrorMessage(err);
    await status('error', `plan failed: ${message}`).catch(() => {});
    await deps.publisher
      .publishCheckRun?.(sha, { ...erroredCheckRun(message), ...detailsLink })
      .catch(() => {});
    const transient = err instanceof ScmError ? err.transient : classifyError(err).transient;
    return { result: 'error', sha, error: message, transient };
  }
}
