/**
 * The periodic drift check against the runbook sandbox, wired the way serve wires it (cluster
 * clients with the observe deadline, Consul through the Kubernetes API's service proxy): healthy
 * once the runbook is applied; `unknown` with `could not observe: …` and a fix naming both places
 * while one cluster's Consul cannot be observed, never `healthy`; healthy again once it can.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { checkDrift, type DriftReport } from '../../src/gitops/drift-check.ts';
import { createInlineDispatcher } from '../../src/run/inline-dispatcher.ts';
import { reconcileRun } from '../../src/run/reconcile-run.ts';
import { MemoryRunStore } from '../../src/run/run-record.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  testPolicy,
} from '../integration/sandbox-fixture.ts';

const PEERING = 'cluster-01/default>cluster-02/default';
const OBSERVE_TIMEOUT_MS = 5000;
const UNOBSERVABLE = {
  state: 'unknown',
  detail: expect.stringMatching(/^could not observe: \S/),
  fix: 'check that meshpeer reaches the Kubernetes API and Consul of cluster-01 or cluster-02',
};

describe('the periodic drift check on the runbook sandbox', () => {
  let fx: ExampleSandbox;
  /** One check with fresh clients, as each periodic check of serve connects anew. */
  const check = (): Promise<DriftReport> => {
    const clients = kubeClusterAccess({
      overrides: { kubeconfig: fx.kubeconfig },
      timeoutMs: OBSERVE_TIMEOUT_MS,
    }).clients(fx.topology.clusters);
    const { consul } = createStepContext(fx.topology.clusters, fx.topology.acls, clients);
    return checkDrift(fx.topology, { clients, consul, observeTimeoutMs: OBSERVE_TIMEOUT_MS });
  };
  const peering = (report: DriftReport) => report.health.find((h) => h.id === PEERING);

  beforeAll(async () => {
    fx = await startExampleSandbox('runbook', shortIntervals);
    const clients = kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(
      fx.topology.clusters,
    );
    const ctx = createStepContext(fx.topology.clusters, fx.topology.acls, clients);
    const record = await reconcileRun(
      {
        runId: 'drift-check-setup',
        target: 't',
        revision: 'r',
        trigger: { kind: 'cli' },
        topology: fx.topology,
      },
      { clients, dispatcher: createInlineDispatcher(ctx, testPolicy), store: new MemoryRunStore() },
    );
    if (record.status !== 'succeeded') throw new Error(`the runbook did not apply: ${record.failure}`);
  }, 120_000);

  afterAll(() => fx?.stop(), 60_000);

  it('finds the applied runbook in sync and its peering healthy', async () => {
    const report = await check();
    expect(report.reasons).toEqual([]);
    expect(report.result).toBe('in-sync');
    expect(peering(report)).toMatchObject({ state: 'healthy', source: 'check' });
  });

  it("reports unknown while cluster-02's Consul is stopped, never healthy, and healthy once it is back", {
    timeout: 60_000,
  }, async () => {
    const consul = fx.sandbox.stack('cluster-02').consul;
    await consul.faults.stop();
    let report: DriftReport;
    try {
      report = await check();
    } finally {
      await consul.faults.start();
    }
    expect(report.health.map((h) => h.id)).toEqual([PEERING]);
    expect(peering(report)).toMatchObject(UNOBSERVABLE);
    expect(report.result).toBe('drift');
    expect(report.reasons).toContainEqual(
      expect.stringMatching(/^peering cluster-01 <-> cluster-02 is unknown: could not observe: /),
    );
    // Nothing to repair while the dialer's Consul cannot be read: a self-heal run would rotate the
    // acceptor's token and break a peering that may well stand.
    expect(report.plan.steps.filter((s) => s.kind === 'rotate' || s.kind === 'token-transfer')).toEqual([]);
    expect(report.repairable).toBe(false);
    expect(peering(await check())).toMatchObject({ state: 'healthy' });
  });

  it("reports unknown while cluster-01's API answers its Consul service proxy with 500", {
    timeout: 60_000,
  }, async () => {
    const cluster = fx.sandbox.cluster('cluster-01');
    cluster.faults.configure({ rules: [{ resources: ['services/proxy'], rate: 1, fault: 500 }] });
    let report: DriftReport;
    try {
      report = await check();
    } finally {
      cluster.faults.configure({});
    }
    expect(peering(report)).toMatchObject(UNOBSERVABLE);
    expect(report.health.filter((h) => h.state === 'healthy')).toEqual([]);
    expect(report.result).toBe('drift');
    expect(report.repairable).toBe(false);
  });
});
