/**
 * consul-k8s serves one admin partition per install, so each partition's objects must be written
 * through that install's own kube context: the request counters of every sandbox API server show
 * who wrote what.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';
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

  it('repairs drift and prunes a peering between partitions in the partition installs', async () => {
    const fx = await startExampleSandbox('admin-partitions');
    open.push(fx);
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    expect((await q.finished(await q.request(fx.file, 'partitions-drift'))).status).toBe('succeeded');

    // An operator drops the peer consumer from ExportedServices finance in the finance install.
    const finance = fx.sandbox.cluster('cluster-01-finance').objects;
    const ref = {
      apiVersion: 'consul.hashicorp.com/v1alpha1',
      kind: 'ExportedServices',
      namespace: 'consul',
      name: 'finance',
    };
    const drifted = finance.get(ref);
    if (drifted === undefined) throw new Error('ExportedServices finance was not written');
    finance.replace({
      ...drifted,
      spec: { services: [{ name: 'ledger', namespace: 'default', consumers: [{ partition: 'retail' }] }] },
    });
    for (const c of fx.sandbox.clusters) c.requests.reset();
    const repair = await q.finished(await q.request(fx.file, 'partitions-drift'));
    expect(repair.status).toBe('succeeded');
    const changed = repair.steps.filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check');
    expect(changed.map((s) => [s.lane, s.kind, s.status])).toEqual([
      ['cluster-01/finance', 'export', 'done'],
    ]);
    expect(writtenResources(fx)['cluster-01-finance']).toEqual(['exportedservices']);
    expect(writtenResources(fx)['cluster-01']).toEqual([]);

    // Drop the finance <-> payments peering and what it exports: meshpeer prunes in both partitions.
    const doc = (await readFile(fx.file, 'utf8'))
      .replace('  - acceptor: cluster-01/finance\n    dialer: cluster-02/payments\n', '')
      .replace(/ {10}- peer: cluster-02-payments\n/, '')
      .replace(/ {2}- cluster: cluster-02\n {4}partition: payments\n[\s\S]*?peer: cluster-01-finance\n/, '');
    expect(doc).not.toContain('cluster-02/payments');
    for (const c of fx.sandbox.clusters) c.requests.reset();
    const pruned = await q.finished(await q.request(fx.file, 'partitions-drift', doc));
    expect(pruned.status, pruned.failure).toBe('succeeded');
    const lanes = new Set(pruned.steps.filter((s) => s.kind.startsWith('prune-')).map((s) => s.lane));
    expect([...lanes].sort()).toEqual(['cluster-01/finance', 'cluster-02/payments']);
    // Consul marks a deleted peering DELETING and its leader removes it shortly after.
    const gone = async (server: string, name: string, partition: string) =>
      (await sandboxConsulClient(fx.sandbox, server).readPeering(name, partition))?.State ?? 'gone';
    await expect
      .poll(() => gone('cluster-01', 'cluster-02-payments', 'finance'), { timeout: 10_000 })
      .toBe('gone');
    await expect
      .poll(() => gone('cluster-02', 'cluster-01-finance', 'payments'), { timeout: 10_000 })
      .toBe('gone');
    const written = writtenResources(fx);
    expect(written['cluster-01']).toEqual([]);
    expect(written['cluster-02']).toEqual([]);
    expect(written['cluster-01-retail']).toEqual([]);
  });
});
