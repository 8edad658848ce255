/**
 * Failed runs of a tracked target are tried again after an exponential backoff, as Argo CD's sync
 * retry does: a delayed job per failed run in its own queue (so a new commit's run is never held
 * back by a waiting retry), which re-requests the same revision unless a newer request came in
 * meanwhile. An invalid desired state is not retried: trying again cannot fix it.
 */
import { type Job, Queue, Worker } from 'bullmq';
import { bullConnection, releaseBullConnection } from '../io/redis-connection.ts';
import { QUEUE_PREFIX, safeJobId } from '../run/queues.ts';
import type { RunRecord } from '../run/run-record.ts';
import { latestRequest, newRunId, requestRun } from '../run/run-requests.ts';
import type { ReconcileState } from './reconcile-state.ts';
import type { SyncDeps } from './sync-request.ts';

/** The BullMQ queue of waiting retries. */
export const RETRIES_QUEUE = 'retries';

/** How failed runs are retried. */
export interface RetrySettings {
  /** Retries after one failed run before giving up (0: never retry). */
  readonly limit: number;
  /** The first delay; each further retry waits twice as long, up to `maxMs`. */
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Argo CD's defaults are 5 retries from 5 s, factor 2, up to 3 min; a peering run is slower, so 30 s to 10 min. */
export const DEFAULT_RETRY: RetrySettings = { limit: 5, baseMs: 30_000, maxMs: 600_000 };

/** What happens after a run finished. */
export type RetryDecision =
  | { readonly kind: 'none'; readonly why: string }
  | { readonly kind: 'scheduled'; readonly attempt: number; readonly at: string }
  | { readonly kind: 'exhausted'; readonly attempts: number };

/** A running retry scheduler. */
export interface RunRetries {
  onRunFinished(record: RunRecord): Promise<RetryDecision>;
  close(): Promise<void>;
}

/** The delay before retry `attempt` (1-based). */
export function retryDelay(settings: RetrySettings, attempt: number): number {
  return Math.min(settings.maxMs, settings.baseMs * 2 ** (attempt - 1));
}

interface RetryJob {
  readonly target: string;
  readonly of: string;
  readonly attempt: number;
}

/** Starts the retry worker; `onRunFinished` decides and schedules. */
export async function startRunRetries(options: {
  readonly redisUrl: string;
  readonly prefix?: string;
  readonly sync: SyncDeps;
  readonly state: ReconcileState;
  readonly settings: RetrySettings;
  readonly onRetry?: (job: RetryJob, result: { runId?: string; skipped?: string }) => void;
}): Promise<RunRetries> {
  const connection = bullConnection(options.redisUrl);
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const queue = new Queue(RETRIES_QUEUE, { connection, prefix });
  const fire = async (data: RetryJob): Promise<{ runId?: string; skipped?: string }> => {
    const latest = await latestRequest(options.sync.redis, data.target, prefix);
    if (latest === undefined || latest.runId !== data.of) {
      await options.state.clearRetry(data.target, data.of);
      return { skipped: 'a newer run was requested' };
    }
    const runId = newRunId();
    await requestRun(options.sync.redis, options.sync.runs, {
      ...latest,
      runId,
      trigger: { kind: 'retry', of: data.of, attempt: data.attempt },
      requestedAt: new Date().toISOString(),
    });
    // Cleared only now: until the retry's run is requested, self-heal leaves the repair to it.
    await options.state.clearRetry(data.target, data.of);
    return { runId };
  };
  const worker = new Worker(
    RETRIES_QUEUE,
    async (job: Job) => {
      const data = job.data as RetryJob;
      const result = await fire(data);
      options.onRetry?.(data, result);
      return result;
    },
    { connection, prefix, concurrency: 1 },
  );
  await worker.waitUntilReady();
  return {
    async onRunFinished(record) {
      if (record.status === 'succeeded') {
        await options.state.runSucceeded(record.target);
        return { kind: 'none', why: 'succeeded' };
      }
      if (record.status !== 'failed') return { kind: 'none', why: record.status };
      if (record.retryable === false)
        return { kind: 'none', why: 'trying again cannot fix an invalid desired state' };
      const attempt = record.trigger.kind === 'retry' ? record.trigger.attempt + 1 : 1;
      if (attempt > options.settings.limit) return { kind: 'exhausted', attempts: attempt - 1 };
      const delay = retryDelay(options.settings, attempt);
      const at = new Date(Date.now() + delay).toISOString();
      await queue.add('retry', { target: record.target, of: record.id, attempt } satisfies RetryJob, {
        jobId: safeJobId('retry', record.id),
        delay,
        removeOnComplete: 100,
        removeOnFail: 100,
      });
      await options.state.setRetry(record.target, { of: record.id, attempt, at });
      return { kind: 'scheduled', attempt, at };
    },
    async close() {
      await worker.close();
      await queue.close();
      releaseBullConnection(connection);
    },
  };
}
