/**
 * Check runs in the SCM stand-in: create and update as GitHub's checks API does, refusing more than
 * 50 annotations per request and appending annotations on update (docs.github.com "Update a check run").
 */
import type { Ctx, Reply } from './scm-stand-in-routes.ts';

/** A stored check run with every annotation it received. */
export interface StoredCheckRun {
  readonly id: number;
  readonly repo: string;
  readonly headSha: string;
  readonly name: string;
  status: string;
  conclusion: string | undefined;
  title: string | undefined;
  summary: string | undefined;
  readonly annotations: Record<string, unknown>[];
  /** How many create/update requests carried annotations, to show batching. */
  requests: number;
}

const CONCLUSIONS = ['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required'];
const INVALID: Reply = { status: 422, body: { message: 'Validation Failed' } };

function field(body: unknown, name: string): unknown {
  return (body as Record<string, unknown> | null)?.[name];
}

function applyUpdate(run: StoredCheckRun, body: unknown): Reply | undefined {
  const output = field(body, 'output') as Record<string, unknown> | undefined;
  const annotations = (output?.annotations ?? []) as Record<string, unknown>[];
  if (!Array.isArray(annotations) || annotations.length > 50) return INVALID;
  const conclusion = field(body, 'conclusion');
  if (conclusion !== undefined && !CONCLUSIONS.includes(String(conclusion))) return INVALID;
  for (const a of annotations) {
    if (typeof a.path !== 'string' || typeof a.start_line !== 'number' || typeof a.message !== 'string')
      return INVALID;
  }
  if (conclusion !== undefined) run.conclusion = String(conclusion);
  const status = field(body, 'status');
  if (typeof status === 'string') run.status = status;
  if (typeof output?.title === 'string') run.title = output.title;
  if (typeof output?.summary === 'string') run.summary = output.summary;
  run.annotations.push(...annotations);
  run.requests += 1;
  return undefined;
}

const view = (r: StoredCheckRun) => ({
  id: r.id,
  head_sha: r.headSha,
  name: r.name,
  status: r.status,
  conclusion: r.conclusion ?? null,
});

/** Answers `POST /repos/:o/:r/check-runs` and `PATCH /repos/:o/:r/check-runs/:id`. */
export function checkRunsRoute(
  runs: StoredCheckRun[],
  ctx: Ctx,
  repo: string,
  id: string | undefined,
): Reply {
  if (ctx.method === 'POST' && id === undefined) {
    const name = field(ctx.body, 'name');
    const headSha = field(ctx.body, 'head_sha');
    if (typeof name !== 'string' || typeof headSha !== 'string') return INVALID;
    const run: StoredCheckRun = {
      id: 5000 + runs.length,
      repo,
      headSha,
      name,
      status: 'queued',
      conclusion: undefined,
      title: undefined,
      summary: undefined,
      annotations: [],
      requests: 0,
    };
    const problem = applyUpdate(run, ctx.body);
    if (problem !== undefined) return problem;
    runs.push(run);
    return { status: 201, body: view(run) };
  }
  const run = runs.find((r) => r.id === Number(id) && r.repo === repo);
  if (ctx.method !== 'PATCH' || run === undefined) return { status: 404, body: { message: 'Not Found' } };
  return applyUpdate(run, ctx.body) ?? { status: 200, body: view(run) };
}
