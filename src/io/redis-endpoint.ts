/**
 * What kind of Redis a URL names: one server (`redis://`, `rediss://`, a unix socket), a Sentinel
 * group (`redis-sentinel://[:password@]host1:26379,host2:26379/mymaster[?db=0]`, the comma list of
 * sentinels Lettuce and redis-sentinel-url also use) or a Cluster (`redis-cluster://host1:7000,host2:7001`).
 */
import { Cluster, Redis } from 'ioredis';
import { RedisUnavailableError } from './redis-error.ts';

/** A host and port of a sentinel or a cluster seed node. */
export interface RedisHostPort {
  readonly host: string;
  readonly port: number;
}

/** A parsed Redis URL. */
export type RedisEndpoint =
  | { readonly mode: 'single'; readonly url: string }
  | {
      readonly mode: 'sentinel';
      readonly sentinels: readonly RedisHostPort[];
      readonly name: string;
      readonly password?: string;
      readonly db: number;
    }
  | { readonly mode: 'cluster'; readonly nodes: readonly RedisHostPort[]; readonly password?: string };

const SENTINEL_SHAPE = 'redis-sentinel://[:PASSWORD@]HOST:PORT[,HOST:PORT...]/MASTER_NAME[?db=N]';
const CLUSTER_SHAPE = 'redis-cluster://[:PASSWORD@]HOST:PORT[,HOST:PORT...]';

function malformed(shape: string, why: string): RedisUnavailableError {
  return new RedisUnavailableError('other', `the Redis URL is malformed (${why}); use ${shape}`);
}

/** Parses `host:port,host:port`; `defaultPort` fills a missing port. */
function hostList(text: string, defaultPort: number, shape: string): RedisHostPort[] {
  if (text === '') throw malformed(shape, 'no hosts');
  return text.split(',').map((entry) => {
    const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(entry.trim());
    if (match === null || match[1] === undefined) throw malformed(shape, `bad host "${entry.trim()}"`);
    const port = match[2] === undefined ? defaultPort : Number(match[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw malformed(shape, `bad port in "${entry}"`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}

/** Splits `scheme://[user:pass@]rest` into its password (if any) and the rest. */
function splitAuth(afterScheme: string): { password?: string; rest: string } {
  const at = afterScheme.lastIndexOf('@');
  if (at < 0) return { rest: afterScheme };
  const auth = afterScheme.slice(0, at);
  const colon = auth.indexOf(':');
  const password = decodeURIComponent(colon < 0 ? auth : auth.slice(colon + 1));
  return { rest: afterScheme.slice(at + 1), ...(password !== '' && { password }) };
}

function parseSentinel(afterScheme: string): RedisEndpoint {
  const { password, rest } = splitAuth(afterScheme);
  const [beforeQuery = '', query = ''] = rest.split('?', 2);
  const slash = beforeQuery.indexOf('/');
  if (slash < 0) throw malformed(SENTINEL_SHAPE, 'no master name');
  const name = decodeURIComponent(beforeQuery.slice(slash + 1).replace(/\/$/, ''));
  if (name === '' || name.includes('/')) throw malformed(SENTINEL_SHAPE, 'no master name');
  const dbText = new URLSearchParams(query).get('db') ?? '0';
  const db = Number(dbText);
  if (!/^\d+$/.test(dbText)) throw malformed(SENTINEL_SHAPE, `db "${dbText}" is not a number`);
  const sentinels = hostList(beforeQuery.slice(0, slash), 26379, SENTINEL_SHAPE);
  return { mode: 'sentinel', sentinels, name, db, ...(password !== undefined && { password }) };
}

function parseCluster(afterScheme: string): RedisEndpoint {
  const { password, rest } = splitAuth(afterScheme);
  const hosts = rest.split(/[/?]/, 1)[0] ?? '';
  const nodes = hostList(hosts, 6379, CLUSTER_SHAPE);
  return { mode: 'cluster', nodes, ...(password !== undefined && { password }) };
}

/**
 * Parses a Redis URL. `MESHPEER_REDIS_MODE=cluster` with a plain `host:port,host:port` (or
 * `redis://host:port,host:port`) list means a Cluster too. Throws a one-line RedisUnavailableError
 * for a malformed Sentinel or Cluster URL; a single-server URL is left to ioredis.
 */
export function parseRedisEndpoint(
  url: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RedisEndpoint {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const afterScheme = scheme === undefined ? url : url.slice(scheme.length + 3);
  if (scheme === 'redis-sentinel' || scheme === 'redis+sentinel') return parseSentinel(afterScheme);
  if (scheme === 'redis-cluster' || scheme === 'redis+cluster') return parseCluster(afterScheme);
  const mode = env.MESHPEER_REDIS_MODE?.trim().toLowerCase();
  if (mode === 'cluster' && (scheme === undefined || scheme === 'redis')) return parseCluster(afterScheme);
  if (mode !== undefined && mode !== '' && mode !== 'cluster' && mode !== 'single')
    throw new RedisUnavailableError(
      'other',
      `MESHPEER_REDIS_MODE="${mode}" is not a Redis mode; use single or cluster (Sentinel takes a redis-sentinel:// URL)`,
    );
  return { mode: 'single', url };
}

/**
 * The BullMQ key prefix for an endpoint: on a Cluster it is wrapped in a hash tag (`{meshpeer}`),
 * so every key of every queue hashes to one slot as BullMQ's Lua scripts need; a single server or
 * a Sentinel group keeps the plain prefix, so existing deployments keep their keys.
 */
export function prefixForEndpoint(prefix: string, endpoint: RedisEndpoint): string {
  if (endpoint.mode !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}

/** A client of any supported kind: one server or Sentinel group (`Redis`), or a Cluster. */
export type RedisClient = Redis | Cluster;

/** The key prefix to use for `prefix` on the Redis at `url` (see prefixForEndpoint); idempotent. */
export function keyPrefixFor(url: string, prefix: string): string {
  return prefixForEndpoint(prefix, parseRedisEndpoint(url));
}

/** Where ioredis connects: a single server's URL, a Sentinel group's sentinels and master name, or Cluster seed nodes. */
export type RedisTarget =
  | { readonly url: string }
  | {
      readonly sentinels: Array<{ host: string; port: number }>;
      readonly name: string;
      readonly db: number;
      readonly password?: string;
    }
  | { readonly nodes: Array<{ host: string; port: number }>; readonly password?: string };

/** The ioredis target of a Redis URL (see parseRedisEndpoint); throws one line for a malformed one. */
export function redisTarget(url: string): RedisTarget {
  const endpoint = parseRedisEndpoint(url);
  if (endpoint.mode === 'single') return { url };
  const password = endpoint.password === undefined ? {} : { password: endpoint.password };
  if (endpoint.mode === 'cluster') return { nodes: endpoint.nodes.map((n) => ({ ...n })), ...password };
  return {
    sentinels: endpoint.sentinels.map((s) => ({ ...s })),
    name: endpoint.name,
    db: endpoint.db,
    ...password,
  };
}

/** The ioredis options meshpeer sets on its clients. */
export interface ClientOptions {
  readonly lazyConnect?: boolean;
  readonly retryStrategy?: (times: number) => number | null;
  readonly maxRetriesPerRequest?: number | null;
  readonly enableOfflineQueue?: boolean;
  readonly connectTimeout?: number;
}

/**
 * A Cluster client: the retry strategy becomes ioredis' `clusterRetryStrategy` (reconnecting the
 * whole cluster), the per-node settings go to `redisOptions`, as ioredis cluster/ClusterOptions.ts
 * separates them.
 */
function newCluster(target: Extract<RedisTarget, { nodes: unknown }>, options: ClientOptions): Cluster {
  const { retryStrategy, lazyConnect, enableOfflineQueue, ...perNode } = options;
  return new Cluster(target.nodes, {
    ...(retryStrategy !== undefined && { clusterRetryStrategy: retryStrategy }),
    ...(lazyConnect !== undefined && { lazyConnect }),
    ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
    redisOptions: { ...perNode, ...(target.password !== undefined && { password: target.password }) },
  });
}

/** A new ioredis client for a URL of any supported kind, with the given options. */
export function newRedis(url: string, options: ClientOptions): RedisClient {
  const target = redisTarget(url);
  if ('url' in target) return new Redis(target.url, options);
  if ('nodes' in target) return newCluster(target, options);
  return new Redis({ ...target, ...options });
}
