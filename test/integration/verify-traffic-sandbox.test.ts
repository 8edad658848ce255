/**
 * Verification of the traffic over a peering, on the sandbox with the failover example: after an
 * apply the run's verify step proves the imported service healthy from cluster-01's side, the
 * intention cluster-02 holds for its peer's static-client, and the failover target; then the
 * same check, the one the periodic health check runs, reports each thing that stops holding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import type { StepOf } from '../../src/plan/index.ts';
import { createInlineDispatcher } from '../../src/run/inline-dispatcher.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { reconcileRun } from '../../src/run/reconcile-run.ts';
import { MemoryRunStore, type RunRecord } from '../../src/run/run-record.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import { checkPeering } from '../../src/steps/peering-check.ts';
import type { StepContext } from '../../src/steps/step-context.ts';
import { type ExampleSandbox, shortIntervals, startExampleSandbox, testPolicy } from './sandbox-fixture.ts';

let fx: ExampleSandbox;
let ctx: StepContext;
let run: RunRecord;

const access = () =>
  kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(fx.topology.clusters);

async function verifyStep(): Promise<StepOf<'verify'>> {
  const { plan } = await planTopology(fx.topology, access());
  const step = plan.steps.find((s): s is StepOf<'verify'> => s.kind === 'verify');
  if (step === undefined) throw new Error('the failover example has a peering to verify');
  return step;
}

beforeAll(async () => {
  fx = await startExampleSandbox('failover', shortIntervals);
  const clients = access();
  ctx = createStepContext(fx.topology.clusters, fx.topology.acls, clients);
  run = await reconcileRun(
    {
      runId: `verify-traffic-${Date.now()}`,
      target: 't',
      revision: 'r',
      trigger: { kind: 'cli' },
      topology: fx.topology,
    },
    { clients, dispatcher: createInlineDispatcher(ctx, testPolicy), store: new MemoryRunStore() },
  );
}, 120_000);
afterAll(() => fx?.stop());

describe('verification of the traffic over a peering', () => {
  it("proves the import's health, the intention and the failover target in the run's verify step", async () => {
    expect(run.status, run.failure).toBe('succeeded');
    const verify = run.steps.find((s) => s.kind === 'verify');
    expect(verify?.detail).toBe(
      "both sides ACTIVE and receiving, imports match, handshake through the acceptor's gateway answered, imported services healthy (1), intentions as declared (1), failover targets resolvable (1)",
    );
    expect(verify?.data?.traffic).toMatchObject({
      imports: [
        { install: 'cluster-01', service: 'static-server', peer: 'cluster-02', passing: expect.any(Number) },
      ],
      intentionsAsDeclared: 1,
      failoverResolvable: 1,
    });
  });

  it('plans the intention and the failover target onto the peering they travel over', async () => {
    const step = await verifyStep();
    expect(step.reason).toContain(', intentions as declared, failover targets resolvable');
    expect(step.params.traffic).toEqual({
      intentions: [
        {
          install: 'cluster-02',
          service: 'static-server',
          peer: 'cluster-01',
          source: 'static-client',
          action: 'allow',
        },
      ],
      failover: [{ install: 'cluster-01', service: 'static-server', peer: 'cluster-02' }],
    });
  });

  it('reports an intention Consul holds otherwise than declared', async () => {
    const step = await verifyStep();
    const intentions = (step.params.traffic?.intentions ?? []).map((i) => ({
      ...i,
      action: 'deny' as const,
    }));
    const params = { ...step.params, traffic: { ...step.params.traffic, intentions } };
    const check = await checkPeering(params, ctx.consul, Date.now());
    expect(check.layer).toBe('traffic');
    expect(check.condition).toMatchObject({
      state: 'failing',
      detail:
        "intentions: the intention from peer cluster-01's static-client to static-server in cluster-02 says allow, peerings.yaml says deny",
    });
  });

  it('reports the import unhealthy, as cluster-01 sees it, once every instance in cluster-02 is critical', async () => {
    const instances = fx.sandbox.setServiceHealth('cluster-02', 'static-server', 'critical');
    expect(instances).toBeGreaterThan(0);
    const step = await verifyStep();
    const deadline = Date.now() + 20_000;
    let check = await checkPeering(step.params, ctx.consul, Date.now());
    while (check.layer !== 'traffic' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      check = await checkPeering(step.params, ctx.consul, Date.now());
    }
    expect(check.condition).toMatchObject({
      state: 'failing',
      detail: `health: static-server imported by cluster-01 from peer cluster-02 has no passing instance (${instances} instance${instances === 1 ? '' : 's'}, 0 passing)`,
    });
    fx.sandbox.setServiceHealth('cluster-02', 'static-server', 'passing');
  });
});
