/**
 * Serves a watch over HTTP: a chunked stream of newline-delimited `{type, object}` events, periodic
 * BOOKMARKs when asked for, an ERROR event with a 410 Status (then end) for a too-old revision, and
 * an end after `timeoutSeconds`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '../object-store.ts';
import { type WatchOptions, watchStore } from '../object-watch.ts';
import { apiVersionOf, type ResourceType } from '../resource-type.ts';
import { KubeApiError } from '../status-error.ts';

/** Per-stream settings. */
export interface WatchStreamOptions extends WatchOptions {
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds?: number;
}

function startTimers(
  store: ObjectStore,
  rt: ResourceType,
  options: WatchStreamOptions,
  write: (type: string, object: unknown) => void,
  stop: () => void,
): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  if (options.bookmarks) {
    const metadata = (): Record<string, string> => ({ resourceVersion: String(store.resourceVersion) });
    const bookmark = (): void =>
      write('BOOKMARK', { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: metadata() });
    timers.push(setInterval(bookmark, options.bookmarkIntervalMs));
  }
  if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) {
    timers.push(setTimeout(stop, options.timeoutSeconds * 1000));
  }
  return timers;
}

/** Streams a watch until the client goes away, the timeout passes or `stop` is called. */
export function streamWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  rt: ResourceType,
  options: WatchStreamOptions,
  onEnd: () => void = () => {},
): () => void {
  const write = (type: string, object: unknown): void => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  let ended = false;
  const stop = (): void => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearTimeout(t);
    unsubscribe();
    res.end();
    onEnd();
  };
  const headers = {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  };
  res.writeHead(200, headers);
  // Clients await the response headers before they consider the watch established.
  res.flushHeaders();
  try {
    unsubscribe = watchStore(store, rt, options, (e) => write(e.type, e.object));
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    write('ERROR', err.toStatus());
    stop();
    return stop;
  }
  timers.push(...startTimers(store, rt, options, write, stop));
  req.on('close', stop);
  res.on('close', stop);
  return stop;
}
