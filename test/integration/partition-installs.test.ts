/**
 * consul-k8s serves one admin partition per install, so each partition's objects must be written
 * through that install's own kube context: the request counters of every sandbox API server show
 * who wrote what.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type ExampleSandbox, startExampleSandbox, startQueue } from './sandbox-fixture.ts';

const redisUrl = inject('redisUrl');

function writtenResources(fx: ExampleSandbox): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of fx.sandbox.clusters) {
    const resources = c.requests
      .snapshot()
      .filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb))
      .map((r) => r.resource);
    out[c.name] = [...new Set(resources)].sort();
  }
  return out;
}

describe('admin partitions written through their own installs', () => {
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it('writes each partition install only through its kube context', async () => {
    const fx = await startExampleSandbox('admin-partitions');
    open.push(fx);
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    for (const c of fx.sandbox.clusters) c.requests.reset();

    const run = await q.finished(await q.request(fx.file, 'admin-partitions'));
    expect(run.status).toBe('succeeded');
    // Keyed by kube context. The Mesh only where the default partition is served; each
    // partition's acceptors, dialers, token copies and ExportedServices in its own install.
    expect(writtenResources(fx)).toEqual({
      'cluster-01': ['meshes'],
      'cluster-01-finance': ['exportedservices', 'peeringacceptors'],
      'cluster-01-retail': ['peeringacceptors'],
      'cluster-02': ['exportedservices', 'meshes', 'peeringdialers', 'secrets'],
      'cluster-02-payments': ['exportedservices', 'peeringdialers', 'secrets'],
    });
    // A partition install runs no servers: its Consul calls go through its datacenter's.
    const proxied = (name: string) => fx.sandbox.cluster(name).requests.count({ resource: 'services/proxy' });
    expect(['cluster-01-finance', 'cluster-01-retail', 'cluster-02-payments'].map(proxied)).toEqual([
      0, 0, 0,
    ]);
    expect(proxied('cluster-01')).toBeGreaterThan(0);
    expect(proxied('cluster-02')).toBeGreaterThan(0);
  });
});
