/**
 * BullMQ names, connections and job options. Two queues: `runs` (one orchestrator per target at a
 * time, coalesced) and `steps` (the executors). Job ids never contain `:`.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

/** The BullMQ key prefix meshpeer uses. */
export const QUEUE_PREFIX = 'meshpeer';
/** Queue of reconcile runs. */
export const RUNS_QUEUE = 'runs';
/** Queue of step executions. */
export const STEPS_QUEUE = 'steps';

/** A Redis connection for producers and stores: fail fast instead of queueing commands offline. */
export function clientConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
}

/** A BullMQ-safe job id: no `:` and never all digits. */
export function safeJobId(...parts: string[]): string {
  return parts
    .join('.')
    .replace(/[:\s]/g, '_')
    .replace(/^(\d+)$/, 'j$1');
}

/** Queues and event streams one process uses. */
export interface Queues {
  /** The key prefix of these queues and of meshpeer's own Redis keys (run history, requests). */
  readonly prefix: string;
  readonly runs: Queue;
  readonly steps: Queue;
  readonly stepEvents: QueueEvents;
  readonly redis: Redis;
  close(): Promise<void>;
}

/** Opens the queues on a Redis URL; separate prefixes keep separate installations (or tests) apart. */
export async function openQueues(url: string, prefix = QUEUE_PREFIX): Promise<Queues> {
  const redis = clientConnection(url);
  const connection = { url, maxRetriesPerRequest: null };
  const runs = new Queue(RUNS_QUEUE, { connection, prefix });
  const steps = new Queue(STEPS_QUEUE, { connection, prefix });
  const stepEvents = new QueueEvents(STEPS_QUEUE, { connection, prefix });
  // Every in-flight dispatch listens on these until its job ends; a large plan has hundreds at once.
  for (const emitter of [runs, steps, stepEvents]) emitter.setMaxListeners(1000);
  await Promise.all([runs.waitUntilReady(), steps.waitUntilReady(), stepEvents.waitUntilReady()]);
  return {
    prefix,
    runs,
    steps,
    stepEvents,
    redis,
    async close() {
      await Promise.allSettled([stepEvents.close(), steps.close(), runs.close()]);
      redis.disconnect();
    },
  };
}
