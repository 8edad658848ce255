/**
 * One notification POST with a deadline per attempt and bounded retries: network errors, 5xx and
 * 429 are retried with back-off (Retry-After honoured), other 4xx and redirects are not. Errors
 * never carry the URL, which for Slack is itself the credential.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type DeliveryFailure, NotifyDeliveryError } from './notify-sink.ts';

/** How hard one delivery tries. */
export interface PostPolicy {
  /** Deadline of one attempt, from connecting to the last byte of the answer. */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included. */
  readonly attempts?: number;
  /** First back-off; doubles per attempt, with jitter. */
  readonly baseDelayMs?: number;
  /** A Retry-After longer than this ends the delivery instead of holding it open. */
  readonly maxRetryAfterMs?: number;
}

/** The request one delivery sends, the same bytes on every attempt. */
export interface PostRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly policy?: PostPolicy;
}

type Attempt =
  | { ok: true }
  | { ok: false; retry: boolean; failure: DeliveryFailure; message: string; retryAfterMs?: number };

const SNIPPET_BYTES = 300;

/** Posts `body` until a 2xx answer, a final failure (thrown as NotifyDeliveryError) or an abort. */
export async function postJson(req: PostRequest): Promise<void> {
  const attempts = Math.max(1, req.policy?.attempts ?? 4);
  const timeoutMs = req.policy?.timeoutMs ?? 10_000;
  const maxRetryAfterMs = req.policy?.maxRetryAfterMs ?? 60_000;
  for (let n = 1; ; n++) {
    const result = await attempt(req, timeoutMs);
    if (result.ok) return;
    if (!result.retry) throw new NotifyDeliveryError(`${result.message} (not retried)`, result.failure, n);
    if (n >= attempts) {
      throw new NotifyDeliveryError(`${result.message} after ${n} attempts`, result.failure, n);
    }
    if (result.retryAfterMs !== undefined && result.retryAfterMs > maxRetryAfterMs) {
      const wait = `${Math.ceil(result.retryAfterMs / 1000)} s`;
      const max = `${Math.ceil(maxRetryAfterMs / 1000)} s`;
      throw new NotifyDeliveryError(
        `${result.message}: the receiver asked to retry after ${wait}, longer than the ${max} meshpeer waits`,
        result.failure,
        n,
      );
    }
    try {
      await sleep(result.retryAfterMs ?? backoffMs(n, req.policy?.baseDelayMs ?? 500), undefined, {
        signal: req.signal,
      });
    } catch {
      throw new NotifyDeliveryError(`${result.message}; gave up while shutting down`, 'aborted', n);
    }
  }
}

async function attempt(req: PostRequest, timeoutMs: number): Promise<Attempt> {
  let status: number;
  let snippet: string;
  let retryAfter: string | null;
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'meshpeer-notify', ...req.headers },
      body: req.body,
      // A redirect could carry the payload somewhere else; the configured URL must answer itself.
      redirect: 'manual',
      signal: AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)]),
    });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    // Reading (or cancelling) the body within the deadline frees the socket.
    snippet = await readSnippet(res);
  } catch (err) {
    return networkFailure(err, req.signal, timeoutMs);
  }
  if (status >= 200 && status < 300) return { ok: true };
  const message = `http ${status}${snippet === '' ? '' : `: ${snippet}`}`;
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      retry: false,
      failure: 'http-4xx',
      message: `${message} (redirects are not followed)`,
    };
  }
  const retry = status === 429 || status >= 500;
  const after = retry ? retryAfterMs(retryAfter) : undefined;
  return {
    ok: false,
    retry,
    failure: status >= 500 ? 'http-5xx' : 'http-4xx',
    message,
    ...(after !== undefined && { retryAfterMs: after }),
  };
}

/** The first line of the answer, for the log; the rest is discarded unread. */
async function readSnippet(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < SNIPPET_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= SNIPPET_BYTES) await reader.cancel();
  const text = Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES);
  return (text.split('\n', 1)[0] ?? '').trim();
}

function networkFailure(err: unknown, closing: AbortSignal, timeoutMs: number): Attempt {
  if (closing.aborted)
    return { ok: false, retry: false, failure: 'aborted', message: 'aborted while shutting down' };
  if (err instanceof Error && err.name === 'TimeoutError') {
    return { ok: false, retry: true, failure: 'timeout', message: `no answer within ${timeoutMs / 1000} s` };
  }
  const code = errorCode(err);
  if (code === 'ECONNREFUSED')
    return { ok: false, retry: true, failure: 'refused', message: 'connection refused' };
  return { ok: false, retry: true, failure: 'network', message: `network error ${code ?? 'unknown'}` };
}

/** undici wraps the socket error as `cause`; its code says what happened. */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function backoffMs(attempt: number, baseMs: number): number {
  const cap = Math.min(30_000, baseMs * 2 ** (attempt - 1));
  return cap / 2 + (Math.random() * cap) / 2;
}
