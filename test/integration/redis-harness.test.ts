import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

const url = inject('redisUrl');

describe('redis test harness', () => {
  const clients: Array<{ close(): Promise<unknown> } | Redis> = [];
  afterAll(async () => {
    for (const c of clients.reverse()) {
      if (c instanceof Redis) await c.quit();
      else await c.close();
    }
  });

  it('round-trips a value through the harness redis', async () => {
    const redis = new Redis(url);
    clients.push(redis);
    const key = `harness:${process.pid}:${Date.now()}`;
    await redis.set(key, 'hello', 'PX', 10_000);
    expect(await redis.get(key)).toBe('hello');
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
  });

  it('runs a bullmq job end to end on the harness redis', async () => {
    const name = `harness-${process.pid}-${Date.now()}`;
    const connection = { url, maxRetriesPerRequest: null };
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    const worker = new Worker(name, async (job) => (job.data as { n: number }).n * 2, { connection });
    clients.push(queue, events, worker);
    await events.waitUntilReady();
    const job = await queue.add('double', { n: 21 });
    expect(await job.waitUntilFinished(events, 10_000)).toBe(42);
  });
});
