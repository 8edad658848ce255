/**
 * The `plans` queue: one plan job per pull request at a time, coalesced so a burst of pushes to
 * the same pull request plans only the newest head. The latest event per pull request is kept in
 * Redis and read when the job starts, like run requests.
 */
import { type Job, Queue, Worker } from 'bullmq';
import { bullConnection, quietRedisErrors, releaseBullConnection } from '../io/redis-connection.ts';
import type { RedisClient } from '../io/redis-endpoint.ts';
import { QUEUE_PREFIX, safeJobId } from '../run/queues.ts';
import { redact } from '../secrets/redact.ts';
import type { PlanOutcome } from './plan-pull-request.ts';
import { coalesceKey, type PlanPrEvent } from './sync-event.ts';

/** The BullMQ queue of pull-request plans. */
export const PLANS_QUEUE = 'plans';

const latestKey = (prefix: string, key: string) => `${prefix}:gitops:plan:${key}:latest`;
const WEEK_SECONDS = 7 * 86_400;
/** A plan that failed on Git or the SCM API being away is tried again: 4 attempts, 10 s doubling. */
export const PLAN_RETRY = { attempts: 4, backoffMs: 10_000 } as const;

/** Thrown by a plan job so BullMQ tries it again after its backoff. */
class TransientPlanFailure extends Error {
  override readonly name = 'TransientPlanFailure';
}

/** Stores `event` as its pull request's latest and adds a coalesced plan job. */
export async function enqueuePlan(
  redis: RedisClient,
  plans: Queue,
  event: PlanPrEvent,
  retry: { readonly attempts: number; readonly backoffMs: number } = PLAN_RETRY,
): Promise<void> {
  const key = coalesceKey(event);
  await redis.set(
    latestKey(plans.opts.prefix ?? QUEUE_PREFIX, key),
    JSON.stringify(event),
    'EX',
    WEEK_SECONDS,
  );
  await plans.add(
    'plan',
    { key },
    {
      jobId: safeJobId('plan', event.provider, event.deliveryId),
      deduplication: { id: safeJobId('plan', key), keepLastIfActive: true },
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 86_400, count: 1000 },
    },
  );
}

const stderrLine = (line: string) => process.stderr.write(`meshpeer: ${redact(line)}\n`);

/** The plans queue of a producer and how to close it with its connection. */
export interface PlansQueue {
  readonly queue: Queue;
  close(): Promise<void>;
}

/** Opens the plans queue for producers; Redis being away is not reported here (openQueues watches it). */
export function openPlansQueue(
  redisUrl: string,
  prefix = QUEUE_PREFIX,
  onError: (line: string) => void = stderrLine,
): PlansQueue {
  const connection = bullConnection(redisUrl);
  const queue = new Queue(PLANS_QUEUE, { connection, prefix });
  quietRedisErrors([queue], (err) => onError(`plans queue: ${err.message.split('\n')[0]}`));
  return {
    queue,
    async close() {
      await queue.close();
      releaseBullConnection(connection);
    },
  };
}

/** Plan worker settings; `plan` does the work for the newest event of the job's pull request. */
export interface PlanWorkerOptions {
  readonly redisUrl: string;
  readonly prefix?: string;
  readonly redis: RedisClient;
  readonly plan: (event: PlanPrEvent) => Promise<PlanOutcome>;
  readonly concurrency?: number;
  /** Where errors other than Redis being away are reported (default: one line on stderr). */
  readonly onError?: (line: string) => void;
}

/** Starts the plan worker. */
export async function startPlanWorker(options: PlanWorkerOptions): Promise<{ close(): Promise<void> }> {
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const connection = bullConnection(options.redisUrl);
  const worker = new Worker(
    PLANS_QUEUE,
    async (job: Job) => {
      const raw = await options.redis.get(latestKey(prefix, (job.data as { key: string }).key));
      if (raw === null) return undefined;
      // The plan itself stays out of the job's return value, which BullMQ stores in Redis.
      const { plan: _plan, ...outcome } = await options.plan(JSON.parse(raw) as PlanPrEvent);
      const attemptsLeft = (job.opts.attempts ?? 1) - job.attemptsMade - 1;
      if (outcome.result === 'error' && outcome.transient === true && attemptsLeft > 0)
        throw new TransientPlanFailure(outcome.error ?? 'plan failed');
      return outcome;
    },
    {
      connection,
      prefix,
      concurrency: options.concurrency ?? 2,
    },
  );
  quietRedisErrors([worker], (err) =>
    (options.onError ?? stderrLine)(`plan worker: ${err.message.split('\n')[0]}`),
  );
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      releaseBullConnection(connection);
    },
  };
}
