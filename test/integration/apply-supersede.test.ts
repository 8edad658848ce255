import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { type ExampleSandbox, shortIntervals, startExampleSandbox, startQueue } from './sandbox-fixture.ts';

const redisUrl = inject('redisUrl');

describe('superseding', () => {
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it("two revisions applied back to back end in the second one's state, never interleaved", {
    timeout: 180_000,
  }, async () => {
    const fx: ExampleSandbox = await startExampleSandbox('runbook', shortIntervals);
    open.push(fx);
    for (const c of fx.sandbox.clusters) c.faults.configure({ latency: { fixedMs: 30 } });
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    const first = await readFile(fx.file, 'utf8');
    // Revision two: the same peering with mesh gateways in remote mode.
    const second = first.replace(
      '    dialer: cluster-02\n',
      '    dialer: cluster-02\n    meshGatewayMode: remote\n',
    );
    expect(second).not.toBe(first);

    const a = await q.request(fx.file, 'supersede', first);
    while ((await q.store.get(a))?.status !== 'running') await new Promise((r) => setTimeout(r, 20));
    const b = await q.request(fx.file, 'supersede', second);
    const [ra, rb] = [await q.finished(a, 120_000), await q.finished(b, 120_000)];

    expect(['succeeded', 'superseded']).toContain(ra.status);
    expect(rb.status, rb.failure).toBe('succeeded');
    // The second run started only after the first one had ended.
    expect(Date.parse(rb.startedAt)).toBeGreaterThanOrEqual(Date.parse(ra.finishedAt ?? ''));
    for (const cluster of fx.sandbox.clusters) {
      const pd = cluster.objects.get({
        apiVersion: CONSUL_API_VERSION,
        kind: 'ProxyDefaults',
        namespace: 'consul',
        name: 'global',
      });
      expect((pd?.spec as { meshGateway?: { mode?: string } } | undefined)?.meshGateway?.mode).toBe('remote');
    }
  });
});
