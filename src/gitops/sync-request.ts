/** Turns "the tracked branch is at commit X" (from a webhook or a poll) into a coalesced run request. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunTrigger } from '../run/run-record.ts';
import { newRunId, requestRun } from '../run/run-requests.ts';
import type { RevisionStore } from './revision-store.ts';
import type { TrackedRepo } from './tracked-repo.ts';

/** What requesting a sync needs. */
export interface SyncDeps {
  readonly redis: Redis;
  readonly runs: Queue;
  readonly revisions: RevisionStore;
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
  });
  return runId;
}
