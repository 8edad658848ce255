/**
 * Check runs on GitHub: `POST /repos/:owner/:repo/check-runs` creates a completed run with the first
 * 50 annotations and `PATCH …/check-runs/:id` appends the rest 50 at a time, since GitHub caps
 * annotations per request at 50 and appends them on update. Only GitHub Apps may create check runs.
 */
import type { Octokit } from '@octokit/rest';
import { redact } from '../secrets/redact.ts';
import { ScmError } from './scm-error.ts';
import {
  CHECK_ANNOTATIONS_PER_REQUEST,
  type CheckAnnotation,
  type CheckRun,
  type CheckRunPublisher,
  scopedName,
} from './scm-publisher.ts';

/** GitHub caps output.summary at 65,535 characters and annotation messages at 64 KB. */
const SUMMARY_LIMIT = 65_000;
const MESSAGE_LIMIT = 4_000;

type Call = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

function toGithub(a: CheckAnnotation) {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: 'failure' as const,
    message: redact(a.message).slice(0, MESSAGE_LIMIT),
    ...(a.title === undefined ? {} : { title: redact(a.title).slice(0, 255) }),
  };
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHECK_ANNOTATIONS_PER_REQUEST)
    out.push(items.slice(i, i + CHECK_ANNOTATIONS_PER_REQUEST));
  return out;
}

/** A refused check run says which permission the App lacks, the one thing that fixes it. */
function withPermissionHint(call: Call): Call {
  return async (operation, fn) => {
    try {
      return await call(operation, fn);
    } catch (err) {
      if (err instanceof ScmError && err.code === 'auth_failed')
        throw new ScmError(
          err.code,
          `${operation} failed (http ${err.status ?? 403}): the GitHub App needs the "Checks: read and write" permission; grant it and accept it on the installation`,
          err.status,
        );
      throw err;
    }
  };
}

/** Check runs for one repository through an Octokit authenticated as a GitHub App installation. */
export function githubCheckRuns(
  octokit: Octokit,
  target: { owner: string; repo: string },
  unhinted: Call,
  scope?: string,
): CheckRunPublisher {
  const call = withPermissionHint(unhinted);
  // The run created per head sha, so a re-plan of the same commit updates instead of adding a run.
  const created = new Map<string, number>();
  return {
    async publishCheckRun(sha: string, unscoped: CheckRun): Promise<void> {
      const check = { ...unscoped, name: scopedName(unscoped.name, scope) };
      const [first = [], ...rest] = batches(check.annotations.map(toGithub));
      const output = (annotations: ReturnType<typeof toGithub>[]) => ({
        title: redact(check.title).slice(0, 255),
        summary: redact(check.summary).slice(0, SUMMARY_LIMIT),
        annotations,
      });
      const fields = {
        ...target,
        name: check.name,
        status: 'completed' as const,
        conclusion: check.conclusion,
        completed_at: new Date().toISOString(),
        ...(check.detailsUrl === undefined ? {} : { details_url: check.detailsUrl }),
      };
      const known = created.get(`${check.name}@${sha}`);
      let id = known;
      if (id === undefined) {
        const res = await call(`create check run ${check.name} on ${sha.slice(0, 12)}`, () =>
          octokit.rest.checks.create({ ...fields, head_sha: sha, output: output(first) }),
        );
        id = res.data.id;
        created.set(`${check.name}@${sha}`, id);
      } else {
        const runId = id;
        await call(`update check run ${runId}`, () =>
          octokit.rest.checks.update({ ...fields, check_run_id: runId, output: output(first) }),
        );
      }
      for (const batch of rest) {
        const runId = id;
        await call(`add annotations to check run ${runId}`, () =>
          octokit.rest.checks.update({ ...target, check_run_id: runId, output: output(batch) }),
        );
      }
    },
  };
}
