/**
 * An apply through BullMQ on a Sentinel group (`redis-sentinel://` URL): Sentinel fails the
 * master over to the replica while the run is in flight (every Kubernetes write is slowed, and the
 * failover starts once the first write was sent), and the run still converges; meshpeer's clients
 * and BullMQ's follow the new master that Sentinel names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  startQueue,
} from '../integration/sandbox-fixture.ts';
import { type LocalSentinel, startLocalSentinel, until } from '../support/redis-sentinel.ts';

describe('apply on Redis Sentinel', () => {
  let group: LocalSentinel;
  let fx: ExampleSandbox;
  beforeAll(async () => {
    group = await startLocalSentinel();
    fx = await startExampleSandbox('three-cluster-mesh', shortIntervals);
  }, 30_000);
  afterAll(async () => {
    await fx?.stop();
    await group?.stop();
  });

  it('converges although the master fails over mid-run', async () => {
    const q = await startQueue(group.url, fx.kubeconfig);
    try {
      const firstMaster = await group.masterPort();
      for (const cluster of fx.sandbox.clusters)
        cluster.faults.configure({ latency: { fixedMs: 1500, verbs: ['create', 'patch', 'update'] } });
      const runId = await q.request(fx.file, 'sentinel');
      await until('the first Kubernetes write', async () => fx.writes() > 0);
      expect((await q.store.get(runId))?.status).toBe('running');
      const newMaster = await group.failover();
      expect(newMaster).not.toBe(firstMaster);

      for (const cluster of fx.sandbox.clusters) cluster.faults.configure({});
      const record = await q.finished(runId, 40_000);
      expect(record.status, JSON.stringify(record).slice(0, 1500)).toBe('succeeded');
      const { plan } = await planTopology(
        fx.topology,
        kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(fx.topology.clusters),
      );
      expect(plan.converged).toBe(true);
    } finally {
      await q.close();
    }
  }, 60_000);
});
