import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CONSUL_API_VERSION, MANAGED_BY_LABEL } from '../../src/resources/consul-resources.ts';
import { type ExampleSandbox, shortIntervals, startExampleSandbox, startQueue } from './sandbox-fixture.ts';

const redisUrl = inject('redisUrl');

async function spawnWorker(prefix: string, kubeconfig: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/integration/worker-process.ts', redisUrl, prefix, kubeconfig],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout as NonNullable<ChildProcess['stdout']>, 'data')) as [Buffer];
  if (!chunk.toString().includes('ready')) throw new Error('worker did not start');
  return child;
}

describe('worker crashes', () => {
  let fx: ExampleSandbox | undefined;
  let worker: ChildProcess | undefined;
  let queue: Awaited<ReturnType<typeof startQueue>> | undefined;
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await queue?.close();
    await fx?.stop();
  });

  it('converges after SIGKILL of the worker at five different steps, without duplicates or token reuse', {
    timeout: 240_000,
  }, async () => {
    fx = await startExampleSandbox('three-cluster-mesh', shortIntervals);
    // Slow the APIs a little so each step is active long enough to be caught.
    for (const c of fx.sandbox.clusters) c.faults.configure({ latency: { fixedMs: 40 } });
    const q = await startQueue(redisUrl, fx.kubeconfig, { workers: false });
    queue = q;
    worker = await spawnWorker(q.prefix, fx.kubeconfig);
    const runId = await q.request(fx.file, 'crash');
    const killedAt = new Set<string>();
    const targets = ['mesh-gateway', 'acceptor', 'token-transfer', 'dialer', 'export', 'verify'];
    const deadline = Date.now() + 200_000;
    while (Date.now() < deadline) {
      const record = await q.store.get(runId);
      if (record !== undefined && record.status !== 'running') break;
      const active = await q.queues.steps.getActive();
      const hit = active.find((j) => targets.includes(j.name) && !killedAt.has(j.name));
      if (hit !== undefined) {
        killedAt.add(hit.name);
        worker.kill('SIGKILL');
        await once(worker, 'exit');
        worker = await spawnWorker(q.prefix, fx.kubeconfig);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const record = await q.finished(runId, 60_000);
    expect(killedAt.size, [...killedAt].join(',')).toBeGreaterThanOrEqual(5);
    expect(record.status, record.failure).toBe('succeeded');
    expect(record.resumes ?? 0).toBeGreaterThanOrEqual(1);

    // Exactly the desired objects exist, once each, and no dialer saw a used token.
    for (const cluster of fx.sandbox.clusters) {
      const list = (kind: string) => cluster.objects.list(CONSUL_API_VERSION, kind);
      const acceptors = fx.topology.peerings.filter((p) => p.acceptor.cluster === cluster.name).length;
      const dialers = fx.topology.peerings.filter((p) => p.dialer.cluster === cluster.name);
      expect(list('PeeringAcceptor')).toHaveLength(acceptors);
      expect(list('PeeringDialer')).toHaveLength(dialers.length);
      const copies = cluster.objects
        .list('v1', 'Secret')
        .filter((s) => s.metadata.labels?.[MANAGED_BY_LABEL] === 'meshpeer');
      expect(copies).toHaveLength(dialers.length);
      for (const d of list('PeeringDialer')) {
        const conditions =
          (d.status as { conditions?: Array<{ message?: string }> } | undefined)?.conditions ?? [];
        expect(conditions.some((c) => c.message?.includes('a new peering token must be generated'))).toBe(
          false,
        );
      }
    }
  });
});
