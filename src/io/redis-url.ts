/**
 * Where meshpeer's Redis is: `--redis-url`, else `REDIS_URL`. An empty value counts as unset
 * everywhere (docs/running.md), so `REDIS_URL=` never silently means localhost.
 */
import { RedisUnavailableError } from './redis-error.ts';

/** The Redis URL from a flag, else from `REDIS_URL`; empty or blank values count as unset. */
export function redisUrlFrom(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  for (const value of [flag, env.REDIS_URL])
    if (value !== undefined && value.trim() !== '') return value.trim();
  return undefined;
}

/**
 * The Redis URL, or a RedisUnavailableError whose one line starts with `need` (what the command
 * wants Redis for) and says how to set it.
 */
export function requireRedisUrl(
  flag: string | undefined,
  need: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const url = redisUrlFrom(flag, env);
  if (url === undefined)
    throw new RedisUnavailableError('unset', `${need}: set REDIS_URL or pass --redis-url`);
  return url;
}

/**
 * The URL as it may appear in messages and logs: user name and password removed, so a password
 * in REDIS_URL never reaches a terminal, a log line or an error.
 */
export function displayRedisUrl(url: string): string {
  // ioredis also takes a bare host:port and a unix socket path (ioredis utils parseURL).
  if (url.startsWith('/')) return `unix:${url.split('?')[0] ?? url}`;
  // A Sentinel or Cluster URL lists several hosts, which WHATWG URL does not parse.
  const many = /^(redis[-+](?:sentinel|cluster):\/\/)(?:[^@/?]*@)?([^/?]*)(\/[^?]*)?/i.exec(url);
  if (many !== null) return `${many[1]?.toLowerCase()}${many[2]}${many[3] ?? ''}`;
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `redis://${url}`);
  } catch {
    return 'the Redis URL given';
  }
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.protocol}//${parsed.host}${path}`;
}
