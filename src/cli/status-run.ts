/** The work of `meshpeer status`, loaded only when it runs: read serve or Redis and print the view. */

import type { StatusSnapshot } from '../gitops/status-snapshot.ts';
import { connectRedis } from '../io/redis-connection.ts';
import { keyPrefixFor, type RedisClient } from '../io/redis-endpoint.ts';
import { requireRedisUrl } from '../io/redis-url.ts';
import { durationMs } from '../topology/duration.ts';
import { colorEnabled, out, paint, parseOutput } from './output.ts';
import { serveEndpoint, serveRequest } from './serve-client.ts';
import { renderStatus, type StatusView, viewFromRedis, viewOfSnapshot } from './status-view.ts';

/** The parsed flags of `meshpeer status`. */
export interface StatusFlags {
  server?: string;
  target?: string;
  redisUrl?: string;
  queuePrefix: string;
  limit: string;
  output: string;
  watch?: boolean;
  interval: string;
}

/** Where the view comes from; `close` lets go of the connection. */
interface ViewSource {
  read(): Promise<StatusView>;
  close(): void;
}

async function openSource(flags: StatusFlags, limit: number): Promise<ViewSource> {
  if (flags.server !== undefined || (flags.redisUrl === undefined && process.env.MESHPEER_SERVER)) {
    const endpoint = serveEndpoint(flags.server);
    return {
      read: async () => {
        const query = flags.target === undefined ? '' : `?target=${encodeURIComponent(flags.target)}`;
        const snapshot = await serveRequest<StatusSnapshot>(endpoint, `/api/status${query}`);
        if (snapshot === undefined) throw new Error(`${endpoint.url} has no /api/status`);
        return viewOfSnapshot(snapshot, limit);
      },
      close: () => {},
    };
  }
  const url = requireRedisUrl(
    flags.redisUrl,
    'status reads the run history and health from Redis (or a serve with --server)',
  );
  const redis: RedisClient = await connectRedis(url);
  const prefix = keyPrefixFor(url, flags.queuePrefix);
  return { read: () => viewFromRedis(redis, prefix, limit), close: () => redis.disconnect() };
}

/** Prints the view again whenever it changes, until SIGINT or SIGTERM; a failed read ends it (exit 1). */
async function watch(
  source: ViewSource,
  intervalMs: number,
  print: (view: StatusView) => void,
): Promise<void> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    let last = '';
    while (!stopped) {
      const view = await source.read();
      const key = JSON.stringify(view);
      // On a terminal the ages move on every tick; elsewhere print only what changed.
      if (key !== last || process.stdout.isTTY) print(view);
      last = key;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs).unref();
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Shows the status once, or with --watch until SIGINT or SIGTERM. */
export async function runStatus(flags: StatusFlags): Promise<void> {
  const json = parseOutput(flags.output, ['text', 'json']) === 'json';
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`--limit ${flags.limit} must be a positive whole number`);
  const source = await openSource(flags, limit);
  const c = paint(colorEnabled());
  try {
    if (!flags.watch) {
      const view = await source.read();
      out(json ? JSON.stringify(view, null, 2) : renderStatus(view, Date.now(), c));
      return;
    }
    const clear = process.stdout.isTTY && !json;
    await watch(source, durationMs(flags.interval), (view) => {
      if (json) return out(JSON.stringify(view));
      out(
        `${clear ? '\x1b[2J\x1b[H' : `${c.gray(`--- ${new Date().toISOString()}`)}\n`}${renderStatus(view, Date.now(), c)}`,
      );
    });
  } finally {
    source.close();
  }
}
