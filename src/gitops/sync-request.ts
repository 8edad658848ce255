/** Turns "the tracked branch is at commit X" (from a webhook, a poll or a sync) into a coalesced run request. */
import type { Queue } from 'bullmq';
import type { RedisClient } from '../io/redis-endpoint.ts';
import type { RunTrigger } from '../run/run-record.ts';
import { newRunId, requestRun } from '../run/run-requests.ts';
import type { GitSource } from '../source/git-source.ts';
import type { RevisionStore } from './revision-store.ts';
import type { TrackedRepo } from './tracked-repo.ts';

/** What requesting a sync needs. */
export interface SyncDeps {
  readonly redis: RedisClient;
  readonly runs: Queue;
  readonly revisions: RevisionStore;
  /** Every run this service requests plans strictly (`serve --strict`). */
  readonly strict?: boolean;
}

/** Requests a run of `repo` at exactly `sha`; returns the run id. */
export async function requestSync(
  deps: SyncDeps,
  repo: TrackedRepo,
  sha: string,
  trigger: RunTrigger,
): Promise<string> {
  const runId = newRunId();
  await requestRun(deps.redis, deps.runs, {
    runId,
    target: repo.target,
    revision: sha,
    trigger,
    source: { kind: 'git', url: repo.url, branch: repo.branch, path: repo.path, sha },
    requestedAt: new Date().toISOString(),
    ...(deps.strict === true && { strict: true }),
  });
  return runId;
}

/** A sync asked for by a person: the run it requested and the commit it runs. */
export interface SyncRequested {
  readonly runId: string;
  readonly revision: string;
  readonly target: string;
}

/**
 * Marks `sha` seen and requests a run at it, so the poller does not request it a second time; the
 * mark is restored when the request cannot be queued, so the next poll tries again.
 */
export async function requestSyncAt(
  deps: SyncDeps,
  repo: TrackedRepo,
  sha: string,
  trigger: RunTrigger,
): Promise<SyncRequested> {
  const previous = (await deps.revisions.get(repo.target)).seen ?? '';
  await deps.revisions.markSeen(repo.target, sha);
  try {
    return { runId: await requestSync(deps, repo, sha, trigger), revision: sha, target: repo.target };
  } catch (err) {
    await deps.revisions.markSeenIf(repo.target, sha, previous).catch(() => {});
    throw err;
  }
}

/**
 * Requests a run now at the branch head, whether or not that commit ran before (the way
 * `argocd app sync` and `flux reconcile` do).
 */
export async function requestSyncAtHead(
  deps: SyncDeps,
  repo: TrackedRepo,
  source: GitSource,
  trigger: RunTrigger,
): Promise<SyncRequested> {
  return requestSyncAt(deps, repo, await source.headRevision(), trigger);
}
