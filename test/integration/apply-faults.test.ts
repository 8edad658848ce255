import { afterAll, describe, expect, inject, it } from 'vitest';
import { type ExampleSandbox, shortIntervals, startExampleSandbox, startQueue } from './sandbox-fixture.ts';

const redisUrl = inject('redisUrl');

describe('apply under Kubernetes API faults', () => {
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it('converges and verifies with 20% of API requests failing (500, 429, 409)', {
    timeout: 180_000,
  }, async () => {
    const fx: ExampleSandbox = await startExampleSandbox('three-cluster-mesh', shortIntervals);
    open.push(fx);
    for (const c of fx.sandbox.clusters) {
      c.faults.configure({
        rules: [
          { rate: 0.1, fault: 500 },
          { rate: 0.06, fault: 429 },
          { rate: 0.04, fault: 409 },
        ],
      });
    }
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    const record = await q.finished(await q.request(fx.file, 'faults'), 120_000);
    expect(record.status, record.failure).toBe('succeeded');
    expect(record.steps.filter((s) => s.kind === 'verify').every((s) => s.status === 'done')).toBe(true);
    // The faults really hit meshpeer: some steps needed more than one attempt.
    expect(record.steps.some((s) => s.attempts > 1)).toBe(true);
  });

  it('fails only the steps of an unreachable cluster, with a clear reason, and the rest converge', {
    timeout: 180_000,
  }, async () => {
    const fx = await startExampleSandbox('three-cluster-mesh', shortIntervals);
    open.push(fx);
    // Every request to cluster-03's API fails: from meshpeer's side it is down.
    fx.sandbox.cluster('cluster-03').faults.configure({ rules: [{ rate: 1, fault: 500 }] });
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    const record = await q.finished(await q.request(fx.file, 'unreachable'), 120_000);
    expect(record.status).toBe('failed');
    expect(record.errors?.map((e) => e.id)).toEqual(['unreachable/cluster-03']);
    expect(record.errors?.[0]?.fix).toContain('kube context "cluster-03"');
    // Nothing of the other clusters failed; cluster-03 got no writes planned at all.
    expect(record.steps.filter((s) => s.status === 'failed' && s.kind !== 'verify')).toEqual([]);
    expect(record.steps.some((s) => s.lane === 'cluster-03')).toBe(false);
    expect(
      record.steps
        .filter((s) => s.lane === 'cluster-01' || s.lane === 'cluster-02')
        .every((s) => s.status === 'done' || s.status === 'unchanged'),
    ).toBe(true);
    const verify = record.steps.filter((s) => s.kind === 'verify');
    expect(verify.find((s) => s.id === 'verify/cluster-01/default/cluster-02/default')?.status).toBe('done');
    expect(verify.filter((s) => s.id.includes('cluster-03')).every((s) => s.status !== 'done')).toBe(true);
    expect(record.failure).toMatch(/cluster-03/);
  });
});
