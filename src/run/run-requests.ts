/**
 * Run requests: every trigger (CLI, poll, webhook) stores "reconcile target T at revision R" as the
 * target's latest request and adds a run job coalesced per target. The run job reads the latest
 * request when it starts, so bursts collapse to one pending run and the newest revision wins.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from '../io/redis-endpoint.ts';
import { QUEUE_PREFIX, safeJobId } from './queues.ts';
import type { RunTrigger } from './run-record.ts';

/** Where a run's desired state comes from; never holds credentials. */
export type DesiredSource =
  | { readonly kind: 'inline'; readonly fileName: string; readonly content: string }
  | {
      readonly kind: 'git';
      readonly url: string;
      readonly branch: string;
      readonly path: string;
      readonly sha: string;
    };

/** A request to reconcile one target. */
export interface RunRequest {
  readonly runId: string;
  readonly target: string;
  readonly revision: string;
  readonly trigger: RunTrigger;
  readonly source: DesiredSource;
  readonly requestedAt: string;
  /** An exported service missing from its partition's catalog fails the run (`--strict`). */
  readonly strict?: boolean;
}

const requestKey = (prefix: string, target: string) => `${prefix}:target:${target}:request`;

/** A fresh, sortable run id. */
export function newRunId(now = Date.now()): string {
  return `run-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Records the request as the target's latest and adds a coalesced run job. */
export async function requestRun(redis: RedisClient, runs: Queue, request: RunRequest): Promise<void> {
  await redis.set(requestKey(runs.opts.prefix ?? QUEUE_PREFIX, request.target), JSON.stringify(request));
  await runs.add(
    'reconcile',
    { target: request.target },
    {
      jobId: safeJobId(request.runId),
      deduplication: { id: safeJobId('target', request.target), keepLastIfActive: true },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 86_400, count: 1000 },
    },
  );
}

/** The latest request for a target, if any. */
export async function latestRequest(
  redis: RedisClient,
  target: string,
  prefix = QUEUE_PREFIX,
): Promise<RunRequest | undefined> {
  const raw = await redis.get(requestKey(prefix, target));
  return raw === null ? undefined : (JSON.parse(raw) as RunRequest);
}
