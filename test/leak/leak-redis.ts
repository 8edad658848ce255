/** Dumps every key of a Redis database as text, whatever its type, for the leak scan. */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../../src/io/redis-endpoint.ts';

async function keyValue(redis: Redis, key: string): Promise<unknown> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return redis.get(key);
    case 'hash':
      return redis.hgetall(key);
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return redis.xrange(key, '-', '+');
    default:
      return `(${type})`;
  }
}

/** Every key (SCAN, so nothing is skipped; on a Cluster, of every master) and its value, one JSON line per key. */
export async function dumpRedis(client: RedisClient): Promise<{ keys: number; text: string }> {
  const lines: string[] = [];
  for (const redis of client instanceof Cluster ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) lines.push(JSON.stringify({ key, value: await keyValue(redis, key) }));
    } while (cursor !== '0');
  }
  return { keys: lines.length, text: lines.sort().join('\n') };
}
