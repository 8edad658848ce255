import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { RunRecord } from '../../src/run/run-record.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const record = (id: string, status: RunRecord['status'] = 'running'): RunRecord => ({
  id,
  target: 't',
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
});
