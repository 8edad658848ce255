import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createMemoryDeliveryLog, type DeliveryLog } from '../../../src/server/webhooks/delivery-log.ts';
import { createRedisDeliveryLog } from '../../../src/server/webhooks/redis-delivery-log.ts';

async function contract(log: DeliveryLog, id: string): Promise<void> {
  expect(await log.seen(id)).toBe(false);
  expect(await log.seen(id)).toBe(true);
  await log.forget(id);
  expect(await log.seen(id)).toBe(false);
  // Concurrent deliveries of one id: exactly one is new.
  const other = `${id}-race`;
  const results = await Promise.all([log.seen(other), log.seen(other), log.seen(other)]);
  expect(results.filter((r) => !r)).toHaveLength(1);
}

describe('delivery log', () => {
  it('in memory: marks, reports, forgets, and expires after the ttl', async () => {
    let now = 0;
    const log = createMemoryDeliveryLog({ ttlMs: 1000, now: () => now });
    await contract(log, 'mem-1');
    expect(await log.seen('mem-2')).toBe(false);
    now = 999;
    expect(await log.seen('mem-2')).toBe(true);
    now = 2000;
    expect(await log.seen('mem-2')).toBe(false);
  });

  it('in memory: stays bounded', async () => {
    const log = createMemoryDeliveryLog({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) await log.seen(id);
    expect(await log.seen('a')).toBe(false);
  });

  describe('on redis', () => {
    const redis = new Redis(inject('redisUrl'));
    const prefix = `test:delivery:${process.pid}:${Date.now()}:`;
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it('keeps the same contract across processes sharing one redis, with a ttl', async () => {
      const log = createRedisDeliveryLog(redis, { prefix, ttlMs: 60_000 });
      await contract(log, 'gh-1');
      const otherProcess = createRedisDeliveryLog(redis, { prefix });
      expect(await otherProcess.seen('gh-1')).toBe(true);
      const ttl = await redis.pttl(`${prefix}gh-1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });
  });
});
