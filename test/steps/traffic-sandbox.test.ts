/**
 * The traffic steps against the sandbox's consul-k8s controllers and Consul: applying the failover
 * example writes the ServiceIntentions and ServiceResolver, consul-k8s syncs them into Consul's
 * config entries, a second apply writes nothing, and drift is repaired without touching a source
 * another team added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { createInlineDispatcher } from '../../src/run/inline-dispatcher.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { reconcileRun } from '../../src/run/reconcile-run.ts';
import { MemoryRunStore } from '../../src/run/run-record.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  testPolicy,
} from '../integration/sandbox-fixture.ts';

let fx: ExampleSandbox;

const access = () =>
  kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(fx.topology.clusters);

async function plannedChanges(): Promise<string[]> {
  const { plan } = await planTopology(fx.topology, access());
  return plan.steps
    .filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check')
    .map((s) => `${s.kind}:${s.action}@${s.lane}`);
}

async function apply(): Promise<void> {
  const clients = access();
  const ctx = createStepContext(fx.topology.clusters, fx.topology.acls, clients);
  const record = await reconcileRun(
    {
      runId: `traffic-${Date.now()}`,
      target: 't',
      revision: 'r',
      trigger: { kind: 'cli' },
      topology: fx.topology,
    },
    { clients, dispatcher: createInlineDispatcher(ctx, testPolicy), store: new MemoryRunStore() },
  );
  expect(record.status, record.failure).toBe('succeeded');
}

const intentionsRef = {
  apiVersion: CONSUL_API_VERSION,
  kind: 'ServiceIntentions',
  namespace: 'consul',
  name: 'static-server',
};

beforeAll(async () => {
  fx = await startExampleSandbox('failover', shortIntervals);
}, 60_000);
afterAll(() => fx?.stop());

describe('traffic steps on the sandbox', () => {
  it('applies intentions and failover, consul-k8s syncs them, and a second apply writes nothing', {
    timeout: 120_000,
  }, async () => {
    expect(await plannedChanges()).toEqual(
      expect.arrayContaining(['intentions:create@cluster-02', 'resolver:create@cluster-01']),
    );
    await apply();
    const c2 = fx.sandbox.stack('cluster-02').consul.traffic;
    expect(c2.configEntry('service-intentions', 'static-server')).toMatchObject({
      Sources: [expect.objectContaining({ Name: 'static-client', Peer: 'cluster-01', Action: 'allow' })],
    });
    expect(
      c2.intentionDecision({ peer: 'cluster-01', name: 'static-client' }, { name: 'static-server' }),
    ).toMatchObject({
      allowed: true,
    });
    const c1 = fx.sandbox.stack('cluster-01').consul.traffic;
    expect(c1.configEntry('service-resolver', 'static-server')).toMatchObject({
      Failover: { '*': { Targets: [expect.objectContaining({ Peer: 'cluster-02' })] } },
    });
    expect(await plannedChanges()).toEqual([]);
    const writes = fx.writes();
    await apply();
    expect(fx.writes()).toBe(writes);
  });

  it("repairs meshpeer's source and keeps a source another team added", { timeout: 120_000 }, async () => {
    const objects = fx.sandbox.cluster('cluster-02').objects;
    objects.patch(intentionsRef, 'merge', {
      spec: {
        destination: { name: 'static-server' },
        sources: [
          { name: 'static-client', peer: 'cluster-01', action: 'deny' },
          { name: 'auditor', peer: 'cluster-01', action: 'allow' },
        ],
      },
    });
    expect(await plannedChanges()).toEqual(['intentions:update@cluster-02']);
    await apply();
    expect(objects.get(intentionsRef)?.spec).toMatchObject({
      sources: [
        { name: 'static-client', peer: 'cluster-01', action: 'allow' },
        { name: 'auditor', peer: 'cluster-01', action: 'allow' },
      ],
    });
    expect(await plannedChanges()).toEqual([]);
  });
});
