/**
 * One poll of a tracked branch: list the server's refs (no pack download), and when the head is
 * a commit no run was requested for yet, request a run for exactly that commit.
 */

import { safeErrorMessage } from '../secrets/redact.ts';
import type { GitSource } from '../source/git-source.ts';
import { requestSync, type SyncDeps } from './sync-request.ts';
import type { TrackedRepo } from './tracked-repo.ts';

/** How a poll ended; also the `result` label of the poll metric. */
export type PollResult = 'unchanged' | 'new-commit' | 'raced' | 'error';

/** A poll's outcome, with the head it saw. */
export interface PollOutcome {
  readonly result: PollResult;
  readonly head?: string;
  readonly runId?: string;
  readonly error?: string;
}

/** Polls `repo` once through `source`. */
export async function pollRepo(deps: SyncDeps, repo: TrackedRepo, source: GitSource): Promise<PollOutcome> {
  const before = (await deps.revisions.get(repo.target)).seen ?? '';
  let head: string;
  try {
    head = await source.headRevision();
  } catch (err) {
    return { result: 'error', error: safeErrorMessage(err) };
  }
  if (head === before) return { result: 'unchanged', head };
  // A webhook may have recorded a newer commit while the refs were listed; then it already won.
  if (!(await deps.revisions.markSeenIf(repo.target, before, head))) return { result: 'raced', head };
  const runId = await requestSync(deps, repo, head, { kind: 'poll' });
  return { result: 'new-commit', head, runId };
}
