/**
 * BullMQ names, connections and job options. Two queues: `runs` (one orchestrator per target at a
 * time, coalesced) and `steps` (the executors). Job ids never contain `:`.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { RedisCheckOptions } from '../io/redis-check.ts';
import { checkRedis } from '../io/redis-check.ts';
import {
  bullConnection,
  quietRedisErrors,
  type RedisRole,
  redisClient,
  releaseBullConnection,
  watchRedisHealth,
} from '../io/redis-connection.ts';
import { keyPrefixFor, type RedisClient } from '../io/redis-endpoint.ts';
import { displayRedisUrl } from '../io/redis-url.ts';
import { redact } from '../secrets/redact.ts';

/** The BullMQ key prefix meshpeer uses. */
export const QUEUE_PREFIX = 'meshpeer';
/** Queue of reconcile runs. */
export const RUNS_QUEUE = 'runs';
/** Queue of step executions. */
export const STEPS_QUEUE = 'steps';

/** A Redis connection for a CLI command's reads: fails after a few reconnects instead of waiting for ever. */
export function clientConnection(url: string): RedisClient {
  return redisClient(url, 'command');
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
  readonly redis: RedisClient;
  close(): Promise<void>;
}

/** How `openQueues` connects. */
export interface OpenQueuesOptions {
  /** `command` (apply): connections give up after a few reconnects; `service` (default): they never do. */
  readonly role?: RedisRole;
  /** The start-up check's deadline and attempts (see checkRedis). */
  readonly check?: RedisCheckOptions;
  /** Where a service reports Redis going away and coming back (default: one line on stderr). */
  readonly log?: (line: string) => void;
}

/** How long closing may wait for BullMQ before its connections are cut (Redis may be gone). */
const CLOSE_DEADLINE_MS = 5000;

/** Resolves when `work` settles or `ms` passed, whichever is first; says which. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<'settled' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([work.then(() => 'settled' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes BullMQ objects, then disconnects them if Redis does not let them close in time. The
 * disconnect is bounded too: an ioredis client between reconnect attempts never emits 'end', and
 * a promise nothing will settle would let Node exit 13 with the caller's last words unsaid.
 */
export async function closeWithin(
  closables: ReadonlyArray<{ close(): Promise<void>; disconnect(): Promise<void> }>,
  ms = CLOSE_DEADLINE_MS,
): Promise<void> {
  const closed = await settledWithin(Promise.allSettled(closables.map((c) => c.close())), ms);
  if (closed === 'late') await settledWithin(Promise.allSettled(closables.map((c) => c.disconnect())), ms);
}

const stderrLine = (line: string) => process.stderr.write(`meshpeer: ${redact(line)}\n`);

/**
 * Opens the queues on a Redis URL; separate prefixes keep separate installations (or tests)
 * apart. On a Cluster the prefix gets its hash tag (keyPrefixFor); `prefix` of the result is the one in use. Checks Redis first (checkRedis), so a dead Redis is one RedisUnavailableError.
 */
export async function openQueues(
  url: string,
  plainPrefix = QUEUE_PREFIX,
  options: OpenQueuesOptions = {},
): Promise<Queues> {
  const role = options.role ?? 'service';
  await checkRedis(url, options.check);
  const prefix = keyPrefixFor(url, plainPrefix);
  const redis = redisClient(url, role);
  if (role === 'service') watchRedisHealth(redis, displayRedisUrl(url), options.log ?? stderrLine);
  const connection = bullConnection(url, role);
  const runs = new Queue(RUNS_QUEUE, { connection, prefix });
  const steps = new Queue(STEPS_QUEUE, { connection, prefix });
  const stepEvents = new QueueEvents(STEPS_QUEUE, { connection, prefix });
  quietRedisErrors([runs, steps, stepEvents], (err) =>
    (options.log ?? stderrLine)(`queue error: ${err.message}`),
  );
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
      await closeWithin([stepEvents, steps, runs]);
      releaseBullConnection(connection);
      redis.disconnect();
    },
  };
}
