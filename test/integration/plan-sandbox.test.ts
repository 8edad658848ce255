import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkRunbook } from '../../sandbox/src/runbook-walk.ts';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { createInlineDispatcher } from '../../src/run/inline-dispatcher.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { reconcileRun } from '../../src/run/reconcile-run.ts';
import { MemoryRunStore } from '../../src/run/run-record.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import { runRotate } from '../../src/steps/peering-executors.ts';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';
import { type ExampleSandbox, shortIntervals, startExampleSandbox, testPolicy } from './sandbox-fixture.ts';

/** Runs the CLI asynchronously: the sandbox it talks to lives in this very process. */
function cliPlan(fx: ExampleSandbox): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/meshpeer.js', 'plan', '-f', fx.file, '--kubeconfig', fx.kubeconfig],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout });
      },
    );
  });
}

/** Deletes a config entry straight through a sandbox cluster's Consul API, behind consul-k8s. */
async function deleteInConsul(fx: ExampleSandbox, cluster: string, path: string): Promise<void> {
  const consul = fx.sandbox.stack(cluster).consul;
  const transport = directTransport(consul.apiUrl, {
    timeoutMs: 5000,
    ...(consul.apiCaPem !== undefined && { ca: consul.apiCaPem }),
  });
  expect((await transport.send('DELETE', path, {})).status).toBe(200);
}

describe('meshpeer plan on a sandbox', () => {
  let fx: ExampleSandbox;
  const plan = async () =>
    (
      await planTopology(
        fx.topology,
        kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(fx.topology.clusters),
      )
    ).plan;
  const repairs = async () =>
    (await plan()).steps
      .filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check')
      .map((s) => `${s.kind}:${s.action}@${s.lane}`);
  const repair = async () => {
    const clients = kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(
      fx.topology.clusters,
    );
    const ctx = createStepContext(fx.topology.clusters, fx.topology.acls, clients);
    const record = await reconcileRun(
      {
        runId: `repair-${Date.now()}`,
        target: 't',
        revision: 'r',
        trigger: { kind: 'cli' },
        topology: fx.topology,
      },
      { clients, dispatcher: createInlineDispatcher(ctx, testPolicy), store: new MemoryRunStore() },
    );
    expect(record.status, record.failure).toBe('succeeded');
    expect((await plan()).converged).toBe(true);
  };

  beforeAll(async () => {
    fx = await startExampleSandbox('runbook', shortIntervals);
  });
  afterAll(() => fx?.stop());

  it('exits 2 with the full plan before anything is applied, and 0 after the runbook is done by hand', {
    timeout: 120_000,
  }, async () => {
    const before = await cliPlan(fx);
    expect(before.code).toBe(2);
    expect(before.stdout).toContain('Plan: 6 to add, 0 to change, 0 to destroy, 1 to verify.');
    await walkRunbook({ kubeconfig: await readFile(fx.kubeconfig, 'utf8'), topology: fx.topology });
    const after = await cliPlan(fx);
    expect(after.stdout).toContain('No changes: 1 peering to verify.');
    expect(after.code).toBe(0);
  });

  it('repairs a deleted token Secret copy with a new token (the old one is used)', {
    timeout: 120_000,
  }, async () => {
    fx.sandbox.cluster('cluster-02').objects.delete({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'consul',
      name: 'peering-token-cluster-01-cluster-02',
    });
    expect(await repairs()).toEqual(['rotate:rotate@cluster-01', 'token-transfer:copy@cluster-02']);
    await repair();
  });

  it("re-peers a peering deleted in Consul behind meshpeer's back", { timeout: 120_000 }, async () => {
    await fx.sandbox.stack('cluster-01').consul.faults.deletePeering('cluster-02');
    const deadline = Date.now() + 30_000;
    let planned: string[] = [];
    while (Date.now() < deadline) {
      planned = await repairs();
      if (planned.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(planned).toEqual(['rotate:rotate@cluster-01', 'token-transfer:copy@cluster-02']);
    await repair();
  });

  it('restores exports changed by hand and a Mesh deleted by hand', { timeout: 120_000 }, async () => {
    const c2 = fx.sandbox.cluster('cluster-02');
    c2.objects.patch(
      { apiVersion: CONSUL_API_VERSION, kind: 'ExportedServices', namespace: 'consul', name: 'default' },
      'merge',
      { spec: { services: [{ name: 'other', consumers: [{ peer: 'cluster-01' }] }] } },
    );
    fx.sandbox
      .cluster('cluster-01')
      .objects.delete({ apiVersion: CONSUL_API_VERSION, kind: 'Mesh', namespace: 'consul', name: 'mesh' });
    const deadline = Date.now() + 30_000;
    let planned: string[] = [];
    while (Date.now() < deadline) {
      planned = await repairs();
      if (
        planned.includes('mesh-gateway:create@cluster-01') ||
        planned.includes('mesh-gateway:update@cluster-01')
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(planned).toContain('export:update@cluster-02');
    expect(planned.some((p) => p.startsWith('mesh-gateway:') && p.endsWith('@cluster-01'))).toBe(true);
    await repair();
  });

  // consul-k8s re-syncs a Synced resource only when it changes (controller-runtime's 10-hour resync,
  // sandbox/src/controllers/controller-loop.ts), so an entry deleted in Consul stays deleted until
  // meshpeer, which reads Consul's entry beside the resource, makes the controller sync it again.
  it('restores an exported-services entry deleted in Consul behind a Synced ExportedServices', {
    timeout: 120_000,
  }, async () => {
    await deleteInConsul(fx, 'cluster-02', '/v1/config/exported-services/default');
    const entry = () =>
      sandboxConsulClient(fx.sandbox, 'cluster-02').readConfigEntry('exported-services', 'default');
    expect(await entry()).toBeUndefined();
    const resource = fx.sandbox.cluster('cluster-02').objects.get({
      apiVersion: CONSUL_API_VERSION,
      kind: 'ExportedServices',
      namespace: 'consul',
      name: 'default',
    });
    const status = resource?.status as { conditions?: Array<{ status: string }> } | undefined;
    const conditions = status?.conditions ?? [];
    expect(conditions[0]?.status).toBe('True');
    const planned = await plan();
    const step = planned.steps.find((s) => s.kind === 'export');
    expect(step).toMatchObject({ action: 'update', lane: 'cluster-02' });
    expect(step?.reason).toContain("Consul's exported-services entry lacks 1 of meshpeer's entries");
    await repair();
    expect(await entry()).toMatchObject({
      Services: [{ Name: 'static-server', Consumers: [{ Peer: 'cluster-01' }] }],
    });
  });

  it("restores the acceptor's mesh entry deleted in Consul behind a Synced Mesh", {
    timeout: 120_000,
  }, async () => {
    await deleteInConsul(fx, 'cluster-01', '/v1/config/mesh/mesh');
    const step = (await plan()).steps.find((s) => s.kind === 'mesh-gateway');
    expect(step).toMatchObject({ action: 'update', lane: 'cluster-01', target: { kind: 'Mesh' } });
    expect(step?.reason).toContain("Consul's mesh entry has peerThroughMeshGateways=false");
    await repair();
    const entry = await sandboxConsulClient(fx.sandbox, 'cluster-01').readConfigEntry('mesh', 'mesh');
    expect(entry).toMatchObject({ Peering: { PeerThroughMeshGateways: true } });
  });

  it('a rotation that finds the Mesh setting gone from Consul prompts consul-k8s instead of waiting out its deadline', {
    timeout: 120_000,
  }, async () => {
    await deleteInConsul(fx, 'cluster-01', '/v1/config/mesh/mesh');
    fx.sandbox.cluster('cluster-02').objects.delete({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'consul',
      name: 'peering-token-cluster-01-cluster-02',
    });
    const rotate = (await plan()).steps.find((s) => s.kind === 'rotate');
    if (rotate?.kind !== 'rotate') throw new Error('the plan must rotate the used token');
    const clients = kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(
      fx.topology.clusters,
    );
    const ctx = createStepContext(fx.topology.clusters, fx.topology.acls, clients);
    // The previous test prompted the same Mesh moments ago, so this prompt may wait its 10 s turn.
    const started = Date.now();
    const deadline = started + 25_000;
    let outcome = await runRotate(rotate, ctx);
    while (outcome.type === 'waiting' && outcome.detail.includes('Mesh entry') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      outcome = await runRotate(rotate, ctx);
    }
    const mesh = fx.sandbox.cluster('cluster-01').objects.get({
      apiVersion: CONSUL_API_VERSION,
      kind: 'Mesh',
      namespace: 'consul',
      name: 'mesh',
    });
    const asked = Date.parse(mesh?.metadata.annotations?.['meshpeer.dev/resync-requested'] ?? '');
    expect(asked).toBeGreaterThanOrEqual(started - 1000);
    expect(outcome.type === 'waiting' ? outcome.detail : outcome.type).not.toContain('Mesh entry');
    await repair();
  });
});
