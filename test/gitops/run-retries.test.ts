/**
 * Retries of failed runs: scheduled with a doubling delay up to the limit, then exhausted; never
 * for a run that failed on an invalid desired state, which trying again cannot fix.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ReconcileState } from '../../src/gitops/reconcile-state.ts';
import { RevisionStore } from '../../src/gitops/revision-store.ts';
import { retryDelay, startRunRetries } from '../../src/gitops/run-retries.ts';
import type { RunRecord } from '../../src/run/run-record.ts';

const url = inject('redisUrl');
const redis = new Redis(url);
const prefix = `retries-${process.pid}-${Date.now()}`;
const runs = new Queue('runs', { connection: { url, maxRetriesPerRequest: null }, prefix });
const state = new ReconcileState(redis, prefix);
const settings = { limit: 2, baseMs: 60_000, maxMs: 90_000 };
const retries = await startRunRetries({
  redisUrl: url,
  prefix,
  sync: { redis, runs, revisions: new RevisionStore(redis, prefix) },
  state,
  settings,
});
afterAll(async () => {
  await retries.close();
  await runs.close();
  await redis.quit();
});

const failed = (id: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  id,
  target: 'acme/mesh@main',
  revision: 'a'.repeat(40),
  trigger: { kind: 'poll' },
  status: 'failed',
  startedAt: '2026-12-03T12:00:00.000Z',
  finishedAt: '2026-12-03T12:00:01.000Z',
  passes: 1,
  steps: [],
  ...extra,
});

describe('run retries', () => {
  it('doubles the delay up to the maximum', () => {
    expect([1, 2, 3].map((a) => retryDelay(settings, a))).toEqual([60_000, 90_000, 90_000]);
  });

  it('schedules a failed run, counts retries of retries, and stops at the limit', async () => {
    expect(await retries.onRunFinished(failed('run-1'))).toMatchObject({ kind: 'scheduled', attempt: 1 });
    expect((await state.observed('acme/mesh@main')).retry).toMatchObject({ of: 'run-1', attempt: 1 });
    const second = failed('run-2', { trigger: { kind: 'retry', of: 'run-1', attempt: 1 } });
    expect(await retries.onRunFinished(second)).toMatchObject({ kind: 'scheduled', attempt: 2 });
    const third = failed('run-3', { trigger: { kind: 'retry', of: 'run-2', attempt: 2 } });
    expect(await retries.onRunFinished(third)).toEqual({ kind: 'exhausted', attempts: 2 });
  });

  it('never retries an invalid desired state, and a success clears the pending retry', async () => {
    expect(await retries.onRunFinished(failed('run-4', { retryable: false }))).toMatchObject({
      kind: 'none',
    });
    await retries.onRunFinished(failed('run-5', { status: 'succeeded' }));
    expect((await state.observed('acme/mesh@main')).retry).toBeUndefined();
  });
});
