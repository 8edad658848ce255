/**
 * Sameness groups, failover to one, and intentions in partition installs on the sandbox (Consul
 * Enterprise): an unlabelled SamenessGroup is adopted for the declared fields only, and pruning
 * removes what meshpeer created but never the adopted group.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../../sandbox/src/sandbox-config.ts';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { createInlineDispatcher } from '../../src/run/inline-dispatcher.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { reconcileRun } from '../../src/run/reconcile-run.ts';
import { MemoryRunStore } from '../../src/run/run-record.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import type { Topology } from '../../src/topology/index.ts';
import { shortIntervals, testPolicy } from '../integration/sandbox-fixture.ts';
import { TRAFFIC_SECTIONS, trafficTopology } from '../plan/traffic-fixtures.ts';

let sandbox: Sandbox;
let dir: string;
const t = trafficTopology();
const kubeconfig = () => join(dir, 'kubeconfig');
const access = (topology: Topology) =>
  kubeClusterAccess({ overrides: { kubeconfig: kubeconfig() } }).clients(topology.clusters);

async function apply(topology: Topology): Promise<void> {
  const clients = access(topology);
  const ctx = createStepContext(topology.clusters, topology.acls, clients);
  const record = await reconcileRun(
    { runId: `traffic-ent-${Date.now()}`, target: 't', revision: 'r', trigger: { kind: 'cli' }, topology },
    { clients, dispatcher: createInlineDispatcher(ctx, testPolicy), store: new MemoryRunStore() },
  );
  expect(record.status, record.failure).toBe('succeeded');
}

const changes = async (topology: Topology) =>
  (await planTopology(topology, access(topology))).plan.steps
    .filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check')
    .map((s) => `${s.kind}:${s.action}@${s.lane}`);

const ref = (kind: string, namespace: string, name: string) => ({
  apiVersion: CONSUL_API_VERSION,
  kind,
  namespace,
  name,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpeer-traffic-'));
  sandbox = await Sandbox.start({
    config: shortIntervals(sandboxConfigFromTopology(t)),
    dir,
    persist: false,
  });
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('sameness groups on the sandbox', () => {
  it('adopts an existing group for the declared fields, fails over to it, and converges', {
    timeout: 120_000,
  }, async () => {
    const payments = sandbox.cluster('cluster-02-payments').objects;
    payments.create({
      apiVersion: CONSUL_API_VERSION,
      kind: 'SamenessGroup',
      metadata: { name: 'shop', namespace: 'default', labels: { team: 'payments' } },
      spec: { includeLocal: true, members: [{ peer: 'cluster-01-finance' }] },
    });
    expect(await changes(t)).toEqual(expect.arrayContaining(['sameness-group:update@cluster-02/payments']));
    await apply(t);
    const shop = payments.get(ref('SamenessGroup', 'default', 'shop'));
    expect(shop?.metadata.labels).toEqual({ team: 'payments' });
    expect(shop?.spec).toMatchObject({ defaultForFailover: true, includeLocal: true });
    const consul = sandbox.stack('cluster-02').consul.traffic;
    expect(consul.configEntry('sameness-group', 'shop', 'payments')).toMatchObject({
      DefaultForFailover: true,
    });
    expect(consul.configEntry('service-resolver', 'ledger', 'payments')).toMatchObject({
      Failover: { '*': { SamenessGroup: 'shop' } },
    });
    expect(await changes(t)).toEqual([]);
  });

  it('prunes the resolver and intentions meshpeer created, never the adopted group', {
    timeout: 120_000,
  }, async () => {
    const without = trafficTopology(
      TRAFFIC_SECTIONS.replace(
        / {2}- cluster: cluster-02\/payments\n {4}service: ledger\n {4}samenessGroup: shop\n/,
        '',
      ).replace(/ {2}- cluster: cluster-02\/payments\n {4}destination: checkout\n {4}sources:\n.*\n/, ''),
    );
    expect(without.failover.map((f) => f.service)).toEqual(['catalog']);
    expect(without.intentions.map((i) => i.destination)).toEqual(['ledger']);
    expect((await changes(without)).sort()).toEqual([
      'prune-intentions:delete@cluster-02/payments',
      'prune-resolver:delete@cluster-02/payments',
    ]);
    await apply(without);
    const payments = sandbox.cluster('cluster-02-payments').objects;
    expect(payments.get(ref('ServiceResolver', 'consul', 'ledger'))).toBeUndefined();
    expect(payments.get(ref('ServiceIntentions', 'consul', 'checkout'))).toBeUndefined();
    expect(payments.get(ref('SamenessGroup', 'default', 'shop'))).toBeDefined();
    expect(await changes(without)).toEqual([]);
  });
});
