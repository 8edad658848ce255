/**
 * meshpeer on a real 3-master Redis Cluster (`redis-cluster://` URL): an apply through BullMQ
 * converges, `meshpeer status` reads the run back, and every key meshpeer and BullMQ wrote sits in
 * the one slot of the `{meshpeer-…}` hash tag, which BullMQ's multi-key scripts and meshpeer's
 * MULTI and MGET need.
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { viewFromRedis } from '../../src/cli/status-view.ts';
import { connectRedis } from '../../src/io/redis-connection.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  startQueue,
} from '../integration/sandbox-fixture.ts';
import { type LocalCluster, startLocalCluster } from '../support/redis-cluster.ts';

describe('apply on a Redis Cluster', () => {
  let cluster: LocalCluster;
  let fx: ExampleSandbox;
  beforeAll(async () => {
    cluster = await startLocalCluster();
    fx = await startExampleSandbox('three-cluster-mesh', shortIntervals);
  }, 60_000);
  afterAll(async () => {
    await fx?.stop();
    await cluster?.stop();
  });

  it('converges, reads back, and keeps every key in one slot', async () => {
    const q = await startQueue(cluster.url, fx.kubeconfig);
    const redis = await connectRedis(cluster.url);
    try {
      expect(q.prefix).toMatch(/^\{it-.+\}$/);
      const runId = await q.request(fx.file, 'cluster');
      const record = await q.finished(runId, 60_000);
      expect(record.status, JSON.stringify(record).slice(0, 1500)).toBe('succeeded');
      const { plan } = await planTopology(
        fx.topology,
        kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(fx.topology.clusters),
      );
      expect(plan.converged).toBe(true);

      const view = await viewFromRedis(redis, q.prefix, 10);
      expect(view.runs.map((r) => [r.id, r.status])).toContainEqual([runId, 'succeeded']);

      if (!(redis instanceof Cluster)) throw new Error('a redis-cluster:// URL must give a Cluster client');
      const perNode = await Promise.all(redis.nodes('master').map((node) => node.keys(`${q.prefix}*`)));
      const keys = perNode.flat();
      expect(keys.length).toBeGreaterThan(10);
      expect(perNode.filter((k) => k.length > 0)).toHaveLength(1);
      const slots = new Set(await Promise.all(keys.map((k) => redis.cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
    } finally {
      redis.disconnect();
      await q.close();
    }
  }, 90_000);
});
