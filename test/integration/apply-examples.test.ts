import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { type ExampleSandbox, startExampleSandbox, startQueue } from './sandbox-fixture.ts';

const redisUrl = inject('redisUrl');
const examples = readdirSync('desired-state-examples', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => d.name)
  .sort();

describe('meshpeer apply of every example on a matching sandbox', () => {
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it.each(examples)('%s converges and verifies; a second apply writes nothing', async (example) => {
    const fx: ExampleSandbox = await startExampleSandbox(example);
    open.push(fx);
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);

    const first = await q.finished(await q.request(fx.file, example));
    expect(first.failure).toBeUndefined();
    expect(first.status, JSON.stringify(first).slice(0, 1500)).toBe('succeeded');
    const verified = first.steps.filter((s) => s.kind === 'verify');
    expect(verified).toHaveLength(fx.topology.peerings.length);
    for (const v of verified) {
      expect(v.status).toBe('done');
      expect(v.data?.handshakeMs).toEqual(expect.any(Number));
    }

    const { plan } = await planTopology(
      fx.topology,
      kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(fx.topology.clusters),
    );
    expect(plan.converged).toBe(true);
    const writesBefore = fx.writes();
    const second = await q.finished(await q.request(fx.file, example));
    expect(second.status, JSON.stringify(second).slice(0, 1500)).toBe('succeeded');
    expect(second.steps.filter((s) => s.kind !== 'verify')).toEqual([]);
    expect(fx.writes()).toBe(writesBefore);
  });
});
