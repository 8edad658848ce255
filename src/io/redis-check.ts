/**
 * The start-up check every command and service runs before it creates a BullMQ object: connect,
 * authenticate and PING within a deadline, with a few bounded attempts. Without it, ioredis and
 * BullMQ reconnect forever and print a stack trace per attempt while the command waits.
 */
import { registerSecret } from '../secrets/redact.ts';
import { newRedis, parseRedisEndpoint, redisTarget } from './redis-endpoint.ts';
import { RedisUnavailableError, redisFailure } from './redis-error.ts';
import { displayRedisUrl } from './redis-url.ts';

/** How hard the check tries. */
export interface RedisCheckOptions {
  /** Deadline for the whole check, every attempt included (default 5 s). */
  readonly deadlineMs?: number;
  /** Connection attempts before giving up (default 3); a refused password is never retried. */
  readonly attempts?: number;
}

/** The default deadline of the start-up check. */
export const REDIS_CHECK_DEADLINE_MS = 5000;

type Attempt = { ok: true } | { ok: false; error: unknown };

/** One connection: resolves with the last error event seen, or `undefined` error when `ms` passed first. */
async function attemptOnce(url: string, ms: number): Promise<Attempt> {
  const client = newRedis(url, {
    lazyConnect: true,
    // This check does its own bounded retries; the client itself never reconnects.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: ms,
  });
  let lastError: unknown;
  client.on('error', (err: unknown) => {
    lastError = err;
  });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), ms);
  });
  const ready = client
    .connect()
    .then(() => client.ping())
    .then(() => 'ok' as const);
  try {
    const outcome = await Promise.race([ready, expired]);
    return outcome === 'ok' ? { ok: true } : { ok: false, error: undefined };
  } catch (err) {
    return { ok: false, error: lastError ?? err };
  } finally {
    clearTimeout(timer);
    // A late rejection of the abandoned attempt is expected, not an unhandled one.
    ready.catch(() => {});
    client.disconnect();
  }
}

/** Whether another attempt may succeed: a wrong password or an unknown host will not fix itself. */
function worthRetrying(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return !/^(NOAUTH|WRONGPASS)/.test(message) && (error as { code?: string }).code !== 'ENOTFOUND';
}

/** Registers the URL's password so no outward text ever shows it. */
function rememberPassword(url: string): void {
  try {
    const endpoint = parseRedisEndpoint(url);
    if (endpoint.mode !== 'single') registerSecret(endpoint.password);
    const parsed = new URL(url);
    if (parsed.password !== '') registerSecret(decodeURIComponent(parsed.password));
  } catch {
    // Not a URL ioredis would take either; the check reports that.
  }
}

/**
 * Resolves once Redis at `url` answers a PING; else throws one RedisUnavailableError whose
 * message is a single line without credentials ("Redis at redis://127.0.0.1:1 refused the
 * connection; start Redis or set REDIS_URL").
 */
export async function checkRedis(url: string, options: RedisCheckOptions = {}): Promise<void> {
  const deadlineMs = options.deadlineMs ?? REDIS_CHECK_DEADLINE_MS;
  const attempts = Math.max(1, options.attempts ?? 3);
  const display = displayRedisUrl(url);
  rememberPassword(url);
  // Throws one line for a malformed Sentinel or Cluster URL.
  redisTarget(url);
  if (
    !/^(rediss?:\/\/|redis[-+](sentinel|cluster):\/\/|\/)/i.test(url) &&
    /^[a-z][a-z0-9+.-]*:\/\//i.test(url)
  )
    throw new RedisUnavailableError(
      'other',
      `${display} is not a Redis URL; use redis://HOST:PORT or rediss://HOST:PORT in REDIS_URL`,
    );
  const until = Date.now() + deadlineMs;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const remaining = until - Date.now();
    if (remaining <= 0) break;
    let result: Attempt;
    try {
      result = await attemptOnce(url, remaining);
    } catch {
      // ioredis throws synchronously only for a URL it cannot parse.
      throw new RedisUnavailableError('other', 'REDIS_URL is not a valid Redis URL; use redis://HOST:PORT');
    }
    if (result.ok) return;
    last = result.error;
    if (last === undefined || !worthRetrying(last)) break;
    const pause = Math.min(250 * 2 ** (attempt - 1), until - Date.now());
    if (attempt < attempts && pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  throw redisFailure(last, url, display, deadlineMs);
}
