/**
 * Found by `npm run chaos`: when the dialer side of a peering is deleted (by an operator, or by a
 * prune interrupted between the dialer and the acceptor), the acceptor side turns TERMINATED and
 * Consul keeps it TERMINATED across a new token, refusing every stream. The next run must delete
 * it before rotating, and converge.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  startQueue,
} from '../integration/sandbox-fixture.ts';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';

const redisUrl = inject('redisUrl');

async function stateOf(fx: ExampleSandbox, cluster: string, name: string): Promise<string> {
  const peering = await sandboxConsulClient(fx.sandbox, cluster).readPeering(name);
  return peering?.State ?? 'absent (404)';
}

async function until(what: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a peering whose dialer side was deleted behind meshpeer', () => {
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it('is re-established: the TERMINATED acceptor side is deleted, then rotated', {
    timeout: 180_000,
  }, async () => {
    const fx = await startExampleSandbox('runbook', shortIntervals);
    open.push(fx);
    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    const first = await q.finished(await q.request(fx.file, 'dialer-deleted'), 120_000);
    expect(first.status, first.failure).toBe('succeeded');

    await fx.sandbox.stack('cluster-02').consul.faults.deletePeering('cluster-01');
    await until(async () => (await stateOf(fx, 'cluster-01', 'cluster-02')) === 'TERMINATED');

    const second = await q.finished(await q.request(fx.file, 'dialer-deleted'), 120_000);
    expect(second.status, second.failure).toBe('succeeded');
    expect(second.steps.map((s) => s.kind)).toContain('rotate');
    expect(await stateOf(fx, 'cluster-01', 'cluster-02')).toBe('ACTIVE');
    expect(await stateOf(fx, 'cluster-02', 'cluster-01')).toBe('ACTIVE');
  });
});
