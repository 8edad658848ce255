/**
 * Why Redis cannot be used, as one line that says what to do. ioredis reports a refused
 * connection, a missing password and a dead host very differently (an 'error' event, then
 * "Connection is closed."), so the failure is read from the error events seen while connecting.
 */
import { formatDuration } from './format-duration.ts';

/** What went wrong with Redis; a closed set so callers and tests can tell the cases apart. */
export type RedisFailure =
  | 'unset'
  | 'refused'
  | 'timeout'
  | 'auth'
  | 'dns'
  | 'unreachable'
  | 'reset'
  | 'lost'
  | 'other';

/** Redis is not usable; the message is one line, never holds a password, and says what to do. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor(
    readonly failure: RedisFailure,
    message: string,
  ) {
    super(message);
  }
}

const refusedCodes = new Set(['ECONNREFUSED']);
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const unreachableCodes = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'ERR_SSL_WRONG_VERSION_NUMBER']);
const timeoutCodes = new Set(['ETIMEDOUT']);

/** The system error code of an ioredis error event, if any. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether an error only says the connection is not there (refused, reset, closed, timed out). */
export function isRedisConnectionError(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined)
    return [refusedCodes, dnsCodes, unreachableCodes, resetCodes, timeoutCodes].some((s) => s.has(code));
  const message = err instanceof Error ? err.message : String(err);
  return /Connection is closed|connect ETIMEDOUT|Command timed out|max retries per request|Stream isn't writeable|ECONNREFUSED|ECONNRESET/i.test(
    message,
  );
}

/** The first line of `text` with every occurrence of the URL's credentials removed. */
function scrub(text: string, url: string): string {
  let line = text.split('\n')[0] ?? '';
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(url);
  for (const part of match?.[1]?.split(':') ?? []) {
    const value = decodeURIComponent(part);
    if (value.length >= 3) line = line.split(value).join('[redacted]');
  }
  return line.slice(0, 200);
}

/**
 * The RedisUnavailableError for what was seen while connecting to `url` (`display` is the URL
 * without credentials): the last error event, or none when the deadline passed first.
 */
export function redisFailure(
  err: unknown,
  url: string,
  display: string,
  deadlineMs: number,
): RedisUnavailableError {
  const at = `Redis at ${display}`;
  // ioredis' Cluster wraps why the last seed node failed ("Failed to refresh slots cache.").
  const lastNodeError = (err as { lastNodeError?: unknown } | undefined)?.lastNodeError;
  if (lastNodeError !== undefined) return redisFailure(lastNodeError, url, display, deadlineMs);
  if (err === undefined)
    return new RedisUnavailableError(
      'timeout',
      `${at} did not answer within ${formatDuration(deadlineMs)}; check that REDIS_URL points at a running Redis`,
    );
  const code = errorCode(err) ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('NOAUTH'))
    return new RedisUnavailableError(
      'auth',
      `${at} requires a password (NOAUTH); put it in REDIS_URL as redis://:PASSWORD@HOST:PORT`,
    );
  if (message.startsWith('WRONGPASS') || /invalid password|invalid username-password/i.test(message))
    return new RedisUnavailableError(
      'auth',
      `${at} refused the password (WRONGPASS); check the user and password in REDIS_URL`,
    );
  // What ioredis' Cluster says of a seed node that refused: its node clients never retry.
  if (refusedCodes.has(code) || message === 'Connection is closed.')
    return new RedisUnavailableError('refused', `${at} refused the connection; start Redis or set REDIS_URL`);
  if (dnsCodes.has(code))
    return new RedisUnavailableError('dns', `${at}: host not found (${code}); check the host in REDIS_URL`);
  if (unreachableCodes.has(code))
    return new RedisUnavailableError(
      'unreachable',
      `${at} is unreachable (${code}); check REDIS_URL and the network`,
    );
  if (resetCodes.has(code))
    return new RedisUnavailableError(
      'reset',
      `${at} closed the connection (${code}); check that REDIS_URL points at Redis (rediss:// for TLS)`,
    );
  if (timeoutCodes.has(code) || /timed out/i.test(message))
    return new RedisUnavailableError(
      'timeout',
      `${at} did not answer within ${formatDuration(deadlineMs)}; check that REDIS_URL points at a running Redis`,
    );
  return new RedisUnavailableError('other', `${at} failed: ${scrub(message, url)}; check REDIS_URL`);
}

/** The error for Redis going away while a command was using it. */
export function redisLost(display: string, doing: string): RedisUnavailableError {
  return new RedisUnavailableError(
    'lost',
    `lost the connection to Redis at ${display} while ${doing}; check Redis, then run meshpeer status`,
  );
}
