/**
 * The isomorphic-git HTTP plugin wrapped with what the library lacks: a deadline on every request
 * (clone and fetch take no signal), an Authorization header added here so credentials never reach
 * URLs or `.git/config`, and counters so callers can prove an unchanged head downloads no pack.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';

/** Counters of what went over the wire; `packFetches` counts upload-pack requests that want objects. */
export interface GitTransportStats {
  requests: number;
  refListings: number;
  packFetches: number;
}

/** Thrown when a request or its response body outlives the deadline. */
export class GitTransportTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`git request timed out after ${timeoutMs} ms`);
    this.name = 'GitTransportTimeout';
  }
}

/** Options for `createGitHttpClient`. */
export interface GitHttpClientOptions {
  /**
   * Full value of the Authorization header, e.g. `Basic …`, or a function giving a current one per
   * request (expiring tokens such as GitHub App installation tokens); undefined for anonymous access.
   */
  readonly authorization?: string | (() => Promise<string>);
  readonly timeoutMs: number;
  /** The underlying transport; tests may swap it, production uses isomorphic-git's node plugin. */
  readonly inner?: HttpClient;
}

/** The wrapped client plus its counters. */
export interface GitHttpClient {
  readonly http: HttpClient;
  stats(): GitTransportStats;
}

async function collectBody(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function isPackRequest(method: string, url: string, body: Buffer | undefined): 'fetch' | 'ls-refs' | 'none' {
  if (method.toUpperCase() !== 'POST' || !url.endsWith('/git-upload-pack') || body === undefined)
    return 'none';
  const head = body.subarray(0, 256).toString('latin1');
  if (head.includes('command=ls-refs')) return 'ls-refs';
  return 'fetch';
}

/** Rejects when `signal` aborts, so a stalled body read cannot hang the caller. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(new GitTransportTimeout(timeoutMs));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new GitTransportTimeout(timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? new GitTransportTimeout(timeoutMs) : e);
      },
    );
  });
}

function guardBody(
  body: AsyncIterableIterator<Uint8Array>,
  signal: AbortSignal,
  timeoutMs: number,
  done: () => void,
): AsyncIterableIterator<Uint8Array> {
  const iterator: AsyncIterableIterator<Uint8Array> = {
    async next() {
      try {
        const result = await abortable(body.next(), signal, timeoutMs);
        if (result.done === true) done();
        return result;
      } catch (err) {
        done();
        throw err;
      }
    },
    async return(value?: unknown) {
      done();
      await body.return?.(value);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Creates the wrapped HTTP client; one per source so counters are per repository. */
export function createGitHttpClient(options: GitHttpClientOptions): GitHttpClient {
  const inner = options.inner ?? nodeHttp;
  const { timeoutMs } = options;
  const stats: GitTransportStats = { requests: 0, refListings: 0, packFetches: 0 };

  const request = async (req: GitHttpRequest): Promise<GitHttpResponse> => {
    const method = req.method ?? 'GET';
    const body = await collectBody(req.body);
    const kind = isPackRequest(method, req.url, body);
    stats.requests += 1;
    if (kind === 'fetch') stats.packFetches += 1;
    if (kind === 'ls-refs' || req.url.includes('/info/refs')) stats.refListings += 1;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    const auth = options.authorization;
    if (auth !== undefined) headers.Authorization = typeof auth === 'string' ? auth : await auth();
    const outgoing: GitHttpRequest = { ...req, method, headers, signal: controller.signal };
    if (body === undefined) delete outgoing.body;
    // An array body makes the node plugin send one buffer with a Content-Length.
    else outgoing.body = [body] as unknown as AsyncIterableIterator<Uint8Array>;
    try {
      const res = await abortable(inner.request(outgoing), controller.signal, timeoutMs);
      if (res.body === undefined) {
        clear();
        return res;
      }
      return { ...res, body: guardBody(res.body, controller.signal, timeoutMs, clear) };
    } catch (err) {
      clear();
      throw err;
    }
  };

  return { http: { request }, stats: () => ({ ...stats }) };
}
