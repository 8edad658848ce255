/**
 * Pull-request plans on the real `plans` queue: a plan that failed because Git or the SCM API was
 * away is tried again after a backoff; a plan that failed for good (or planned) is not.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { PlanOutcome } from '../../src/gitops/plan-pull-request.ts';
import { enqueuePlan, openPlansQueue, startPlanWorker } from '../../src/gitops/plan-queue.ts';
import type { PlanPrEvent } from '../../src/gitops/sync-event.ts';

const url = inject('redisUrl');
const redis = new Redis(url);
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await redis.quit();
});

const event = (number: number): PlanPrEvent => ({
  kind: 'plan-pr',
  provider: 'github',
  repo: 'acme/mesh',
  number,
  headSha: 'a'.repeat(40),
  headRef: 'feature',
  baseRef: 'main',
  deliveryId: `d-${number}-${Math.random().toString(36).slice(2)}`,
});

/** Runs the worker over one enqueued event with `outcomes` answered in turn; resolves to the calls made. */
async function planCalls(outcomes: readonly PlanOutcome[]): Promise<number> {
  const prefix = `plans-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let calls = 0;
  const worker = await startPlanWorker({
    redisUrl: url,
    prefix,
    redis,
    plan: async () => outcomes[Math.min(calls++, outcomes.length - 1)] as PlanOutcome,
  });
  const queue = openPlansQueue(url, prefix);
  closers.push(
    () => queue.close(),
    () => worker.close(),
  );
  await enqueuePlan(redis, queue.queue, event(7), { attempts: 4, backoffMs: 20 });
  // The job ends completed (planned, or an error not worth retrying) or failed (attempts used up).
  for (;;) {
    const counts = await queue.queue.getJobCounts('completed', 'failed');
    if ((counts.completed ?? 0) + (counts.failed ?? 0) > 0) return calls;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sha = 'a'.repeat(40);

describe('the plans queue', () => {
  it('tries a plan again while Git or the SCM API is away, until it is planned', async () => {
    const away: PlanOutcome = {
      result: 'error',
      sha,
      error: 'git fetch failed: ECONNREFUSED',
      transient: true,
    };
    expect(await planCalls([away, away, { result: 'planned', sha }])).toBe(3);
  });

  it('gives up after its attempts on a lasting outage', async () => {
    const away: PlanOutcome = { result: 'error', sha, error: 'the api is unreachable', transient: true };
    expect(await planCalls([away])).toBe(4);
  });

  it('does not try again what cannot get better: a refused token, an invalid file', async () => {
    const refused: PlanOutcome = { result: 'error', sha, error: 'check the api token', transient: false };
    expect(await planCalls([refused])).toBe(1);
    expect(await planCalls([{ result: 'invalid', sha }])).toBe(1);
  });
});
