import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { RunRecord } from '../../src/run/run-record.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const record = (id: string, status: RunRecord['status'] = 'running', target = 't'): RunRecord => ({
  id,
  target,
  revision: 'r',
  trigger: { kind: 'cli' },
  status,
  startedAt: new Date(0).toISOString(),
  passes: 0,
  steps: [],
});

describe('RedisRunStore', () => {
  it('keeps a bounded history, newest first, updating records in place', async () => {
    const prefix = `test-${process.pid}-${Date.now()}`;
    const store = new RedisRunStore(redis, prefix, 3);
    for (const id of ['r1', 'r2', 'r3', 'r4']) await store.save(record(id));
    await store.save(record('r4', 'succeeded'));
    expect((await store.list(10)).map((r) => `${r.id}:${r.status}`)).toEqual([
      'r4:succeeded',
      'r3:running',
      'r2:running',
    ]);
    expect(await store.get('r1')).toBeUndefined();
    expect(await redis.exists(`${prefix}:run:r1`)).toBe(0);
  });

  it("keeps each target's history apart, so a busy target never pushes a quiet one's out", async () => {
    const prefix = `test-targets-${process.pid}-${Date.now()}`;
    const store = new RedisRunStore(redis, prefix, 3);
    await store.save(record('p1', 'succeeded', 'production'));
    for (const id of ['s1', 's2', 's3', 's4', 's5']) await store.save(record(id, 'succeeded', 'staging'));
    expect((await store.list(10, 'production')).map((r) => r.id)).toEqual(['p1']);
    expect((await store.list(10, 'staging')).map((r) => r.id)).toEqual(['s5', 's4', 's3']);
    expect((await store.list(10)).map((r) => r.id)).toEqual(['s5', 's4', 's3']);
    expect(await store.get('s1')).toBeUndefined();
  });

  it('finds the runs a target had before histories were kept per target', async () => {
    const prefix = `test-upgrade-${process.pid}-${Date.now()}`;
    for (const r of [record('old1', 'failed', 'production'), record('old2', 'succeeded', 'staging')]) {
      await redis.set(`${prefix}:run:${r.id}`, JSON.stringify(r));
      await redis.lpush(`${prefix}:runs`, r.id);
    }
    const store = new RedisRunStore(redis, prefix);
    expect((await store.list(10, 'production')).map((r) => r.id)).toEqual(['old1']);
    expect((await store.list(10, 'staging')).map((r) => r.id)).toEqual(['old2']);
    // Adopted into the targets' own lists, where a new run joins them and trimming reaches them.
    expect(await redis.lrange(`${prefix}:target:production:runs`, 0, -1)).toEqual(['old1']);
    await store.save(record('new1', 'succeeded', 'production'));
    expect((await new RedisRunStore(redis, prefix).list(10, 'production')).map((r) => r.id)).toEqual([
      'new1',
      'old1',
    ]);
  });
});
