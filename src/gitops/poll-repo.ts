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

/** Listings of the refs one poll may make when another writer keeps winning the race. */
const ATTEMPTS = 3;

/**
 * Polls `repo` once through `source`. Recording the head is a compare-and-set on the seen commit;
 * when it fails, another poll or a webhook recorded a commit meanwhile, and that may be OLDER than
 * this head (a scheduled poll that listed the refs before a push and finished after this one), so
 * the refs are listed again: a listing made after that write is the branch's current head.
 */
export async function pollRepo(
  deps: SyncDeps,
  repo: TrackedRepo,
  source: Pick<GitSource, 'headRevision'>,
): Promise<PollOutcome> {
  for (let attempt = 1; ; attempt++) {
    const before = (await deps.revisions.get(repo.target)).seen ?? '';
    let head: string;
    try {
      head = await source.headRevision();
    } catch (err) {
      return { result: 'error', error: safeErrorMessage(err) };
    }
    if (head === before) return { result: 'unchanged', head };
    if (await deps.revisions.markSeenIf(repo.target, before, head)) {
      const runId = await requestSync(deps, repo, head, { kind: 'poll' });
      return { result: 'new-commit', head, runId };
    }
    if (attempt === ATTEMPTS) return { result: 'raced', head };
  }
}
