import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { KubeError } from '../../src/kube/cluster-client.ts';
import { settleError, settleOutcome } from '../../src/run/job-outcome.ts';
import { done, type StepOutcome, terminal, waiting } from '../../src/steps/step-outcome.ts';

const url = inject('redisUrl');
const connection = { url, maxRetriesPerRequest: null };
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

/** A queue whose worker maps the scripted outcomes of each attempt the way the step worker does. */
async function harness(script: (attempt: number) => StepOutcome | Error) {
  const name = `map-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const calls: number[] = [];
  const worker = new Worker(
    name,
    async (job: Job, token?: string) => {
      calls.push(calls.length + 1);
      const outcome = script(calls.length);
      if (outcome instanceof Error) settleError(outcome);
      return settleOutcome(job, token, outcome, Date.now() + 10_000, Date.now());
    },
    { connection },
  );
  closers.push(
    () => worker.close(),
    () => events.close(),
    () => queue.close(),
  );
  await events.waitUntilReady();
  return { queue, events, calls };
}

describe('step outcomes mapped onto BullMQ', () => {
  it('re-checks a waiting step later instead of failing it', async () => {
    const h = await harness((n) => (n < 3 ? waiting('not yet', 20) : done('ok')));
    const job = await h.queue.add('s', {}, { attempts: 1 });
    expect(await job.waitUntilFinished(h.events, 10_000)).toEqual({ status: 'done', detail: 'ok' });
    expect(h.calls).toHaveLength(3);
  });

  it('fails a terminal outcome without retrying', async () => {
    const h = await harness(() => terminal('bad helm values'));
    const job = await h.queue.add('s', {}, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    await expect(job.waitUntilFinished(h.events, 10_000)).rejects.toThrow('bad helm values');
    expect(h.calls).toHaveLength(1);
  });

  it('retries transient errors with backoff and fails non-transient ones at once', async () => {
    const flaky = await harness((n) => (n < 3 ? new KubeError('throttled', 'cluster-01: 429') : done('ok')));
    const job = await flaky.queue.add(
      's',
      {},
      { attempts: 5, backoff: { type: 'exponential', delay: 10, jitter: 0.5 } },
    );
    expect(await job.waitUntilFinished(flaky.events, 10_000)).toMatchObject({ status: 'done' });
    expect(flaky.calls).toHaveLength(3);
    const forbidden = await harness(() => new KubeError('forbidden', 'cluster-01: forbidden (403)'));
    const job2 = await forbidden.queue.add('s', {}, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    await expect(job2.waitUntilFinished(forbidden.events, 10_000)).rejects.toThrow('forbidden');
    expect(forbidden.calls).toHaveLength(1);
  });
});
