import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { latestRequest, newRunId, type RunRequest, requestRun } from '../../src/run/run-requests.ts';

const url = inject('redisUrl');
const redis = new Redis(url);
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await redis.quit();
});

const request = (target: string, revision: string): RunRequest => ({
  runId: newRunId(),
  target,
  revision,
  trigger: { kind: 'cli' },
  source: { kind: 'inline', fileName: 'p.yaml', content: '' },
  requestedAt: new Date().toISOString(),
});

describe('run requests', () => {
  it('coalesces a burst into at most one active and one pending run, and the newest revision wins', async () => {
    const target = `t-${process.pid}-${Date.now()}`;
    const prefix = `test-${process.pid}-${Date.now()}`;
    const queue = new Queue('runs', { connection: { url, maxRetriesPerRequest: null }, prefix });
    const processed: string[] = [];
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => {};
    const firstStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = new Worker(
      'runs',
      async (job: Job) => {
        active++;
        maxActive = Math.max(maxActive, active);
        const latest = await latestRequest(redis, (job.data as { target: string }).target, prefix);
        processed.push(latest?.revision ?? 'none');
        release();
        await new Promise((r) => setTimeout(r, 150));
        active--;
      },
      { connection: { url, maxRetriesPerRequest: null }, prefix, concurrency: 4 },
    );
    closers.push(
      () => worker.close(),
      () => queue.close(),
    );
    await requestRun(redis, queue, request(target, 'rev-0'));
    await firstStarted;
    for (let i = 1; i <= 50; i++) await requestRun(redis, queue, request(target, `rev-${i}`));
    const deadline = Date.now() + 10_000;
    while (processed.at(-1) !== 'rev-50' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(processed).toEqual(['rev-0', 'rev-50']);
    expect(maxActive).toBe(1);
  });
});
