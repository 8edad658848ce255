/**
 * Every Redis connection meshpeer makes, ioredis clients and BullMQ's own, is built here. A CLI
 * command gives up after a few reconnects so it can end with one line; a service (serve, worker)
 * keeps reconnecting with a capped back-off and recovers by itself when Redis is back.
 */
import type { EventEmitter } from 'node:events';
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { checkRedis, type RedisCheckOptions } from './redis-check.ts';
import { newRedis, type RedisClient, redisTarget } from './redis-endpoint.ts';
import { isRedisConnectionError } from './redis-error.ts';

/** A short CLI command (bounded reconnects) or a long-running service (reconnects for ever). */
export type RedisRole = 'command' | 'service';

/** Reconnect attempts of a CLI command's connections before they give up (about 4 s in all). */
const COMMAND_RECONNECTS = 4;

/** ioredis options shared by every connection of a role. */
export function redisOptions(role: RedisRole): {
  retryStrategy: (times: number) => number | null;
  connectTimeout: number;
} {
  if (role === 'command')
    return {
      retryStrategy: (times) => (times > COMMAND_RECONNECTS ? null : Math.min(250 * 2 ** (times - 1), 2000)),
      connectTimeout: 5000,
    };
  return { retryStrategy: (times) => Math.min(250 * 2 ** (times - 1), 5000), connectTimeout: 10_000 };
}

/**
 * The connection for BullMQ queues, workers and event streams (which need `maxRetriesPerRequest:
 * null`): options BullMQ connects with itself, or on a Cluster a Cluster client of the caller's,
 * since BullMQ builds only plain clients from options (bullmq classes/redis-connection.ts). BullMQ
 * never closes a client it was given: pass the connection to `releaseBullConnection` after closing.
 */
export function bullConnection(url: string, role: RedisRole = 'service'): ConnectionOptions {
  const target = redisTarget(url);
  if ('nodes' in target) {
    const client = newRedis(url, { maxRetriesPerRequest: null, ...redisOptions(role) });
    client.on('error', () => {});
    return client;
  }
  return { ...target, maxRetriesPerRequest: null, ...redisOptions(role) };
}

/** Disconnects a connection bullConnection created as a client (Cluster only; BullMQ closes its own). */
export function releaseBullConnection(connection: ConnectionOptions): void {
  if (connection instanceof Cluster) connection.disconnect();
}

/**
 * A client for producers and stores. Its 'error' events are expected while Redis is away and are
 * reported by `watchRedisHealth`, never printed as an unhandled error event.
 */
export function redisClient(url: string, role: RedisRole = 'service'): RedisClient {
  const client = newRedis(url, {
    maxRetriesPerRequest: role === 'command' ? 1 : 3,
    enableOfflineQueue: true,
    ...redisOptions(role),
  });
  client.on('error', () => {});
  return client;
}

/**
 * Checks Redis (bounded attempts within a deadline, see checkRedis), then returns a client for a
 * CLI command; throws a RedisUnavailableError with one actionable line when Redis is not usable.
 */
export async function connectRedis(
  url: string,
  options: RedisCheckOptions & { readonly role?: RedisRole } = {},
): Promise<RedisClient> {
  await checkRedis(url, options);
  return redisClient(url, options.role ?? 'command');
}

/**
 * Keeps BullMQ objects from printing connection trouble: an 'error' listener on each, which
 * passes on only errors that are not about the connection (those are `watchRedisHealth`'s job).
 */
export function quietRedisErrors(
  emitters: ReadonlyArray<EventEmitter | undefined>,
  report: (err: Error) => void = () => {},
): void {
  for (const emitter of emitters)
    emitter?.on('error', (err: Error) => {
      if (!isRedisConnectionError(err)) report(err);
    });
}

/**
 * Logs one line when the client's connection to Redis goes away and one when it is back, instead
 * of a line per reconnect attempt. The client reconnects by itself (role `service`).
 */
export function watchRedisHealth(
  client: RedisClient,
  display: string,
  log: (line: string) => void,
  now: () => number = Date.now,
): void {
  let lostAt: number | undefined;
  let reason: string | undefined;
  client.on('error', (err: Error & { code?: string }) => {
    reason ??= err.code ?? err.message.split('\n')[0];
  });
  // 'reconnecting' (unlike 'close') never follows a disconnect meshpeer asked for.
  client.on('reconnecting', () => {
    if (lostAt !== undefined) return;
    lostAt = now();
    reason = undefined;
    log(
      `Redis at ${display} went away; reconnecting in the background (runs and polls wait until it is back)`,
    );
  });
  client.on('ready', () => {
    if (lostAt === undefined) return;
    const seconds = Math.round((now() - lostAt) / 1000);
    log(`Redis at ${display} is back after ${seconds}s${reason === undefined ? '' : ` (was: ${reason})`}`);
    lostAt = undefined;
  });
}
