/** Schedulers of targets no longer followed are removed; those still followed stay. */
import { Queue } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pruneJobSchedulers } from '../../src/gitops/job-schedulers.ts';
import { removePollSchedulers } from '../../src/gitops/poller.ts';
import { safeJobId } from '../../src/run/queues.ts';

const prefix = `schedulers-${process.pid}`;
const queue = new Queue('polls', { connection: { url: inject('redisUrl') }, prefix });
afterAll(() => queue.close());

const schedule = (target: string) =>
  queue.upsertJobScheduler(safeJobId('poll', target), { every: 60_000 }, { name: 'poll', data: { target } });
const ids = async () => (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();

describe('job schedulers of the targets followed now', () => {
  it('removes the schedulers of a renamed or dropped target and keeps the rest', async () => {
    for (const t of ['acme/mesh@main', 'staging', 'production']) await schedule(t);
    const removed = await pruneJobSchedulers(
      queue,
      new Set([safeJobId('poll', 'staging'), safeJobId('poll', 'production')]),
    );
    expect(removed).toEqual([safeJobId('poll', 'acme/mesh@main')]);
    expect(await ids()).toEqual([safeJobId('poll', 'production'), safeJobId('poll', 'staging')]);
  });

  it('removes every poll scheduler when polling is turned off', async () => {
    await removePollSchedulers(inject('redisUrl'), prefix);
    expect(await ids()).toEqual([]);
  });
});
