/**
 * On a real 3-master Redis Cluster, the prefix prefixForEndpoint gives a Cluster (`{meshpeer}`)
 * puts every key BullMQ writes for a queue in one slot, which BullMQ's multi-key Lua scripts
 * need; the plain prefix would spread them over the nodes.
 */
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRedisEndpoint, prefixForEndpoint } from '../../src/io/redis-endpoint.ts';
import { type LocalCluster, startLocalCluster } from '../support/redis-cluster.ts';

describe('queue prefix on a Redis Cluster', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startLocalCluster();
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps every key of a queue in one slot with the hash-tagged prefix', async () => {
    const endpoint = parseRedisEndpoint(cluster.url, {});
    if (endpoint.mode !== 'cluster') throw new Error(`expected a cluster endpoint, got ${endpoint.mode}`);
    const prefix = prefixForEndpoint('meshpeer', endpoint);
    expect(prefix).toBe('{meshpeer}');
    const client = new Cluster(
      endpoint.nodes.map((n) => ({ ...n })),
      { redisOptions: { maxRetriesPerRequest: null } },
    );
    const queue = new Queue('runs', { connection: client, prefix });
    try {
      await queue.add('run', { target: 't' }, { jobId: 'r1' });
      await queue.add('run', { target: 't' }, { jobId: 'r2', delay: 60_000 });
      expect(await queue.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 1 });
      // KEYS answers for one node only, so ask every master.
      const perNode = await Promise.all(client.nodes('master').map((node) => node.keys('{meshpeer}:runs:*')));
      expect(perNode.filter((k) => k.length > 0)).toHaveLength(1);
      const keys = perNode.flat();
      expect(keys.length).toBeGreaterThan(3);
      const slots = new Set(await Promise.all(keys.map((k) => client.cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
    } finally {
      await queue.close();
      client.disconnect();
    }
  }, 60_000);
});
