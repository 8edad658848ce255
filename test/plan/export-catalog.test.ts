import { describe, expect, it } from 'vitest';
import type { CatalogFacts, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { emptyObserved } from './world-model.ts';

async function topology(name: string): Promise<Topology> {
  const r = await loadTopologyFile(`desired-state-examples/${name}/peerings.yaml`);
  if (!r.ok) throw new Error('invalid example');
  return r.topology;
}

/** The snapshot with one install's catalog replaced. */
function withCatalog(observed: ObservedState, install: string, catalog: CatalogFacts): ObservedState {
  const c = observed.clusters[install];
  if (!c?.reachable || !c.consul.reachable) throw new Error(`${install} is not reachable in the fixture`);
  return { clusters: { ...observed.clusters, [install]: { ...c, consul: { ...c.consul, catalog } } } };
}

const blockedOf = (plan: ReturnType<typeof planFor>) =>
  plan.steps.filter((s) => s.blockedBy !== undefined).map((s) => `${s.id} <- ${s.blockedBy}`);

describe('plan: exported services must be registered in their partition', () => {
  it('plans no warning when every exported service is registered', async () => {
    const t = await topology('runbook');
    expect(planFor(t, emptyObserved(t)).warnings).toEqual([]);
  });

  it('warns, naming the service, the install and the partition, and still writes the export', async () => {
    const t = await topology('runbook');
    const observed = withCatalog(emptyObserved(t), 'cluster-02', {
      services: { default: ['consul', 'mesh-gateway'] },
      unreadable: {},
    });
    const plan = planFor(t, observed);
    expect(plan.warnings).toEqual([
      {
        code: 'export_service_missing',
        cluster: 'cluster-02',
        service: 'static-server',
        partition: 'default',
        message:
          'service "static-server" is exported but not registered in the catalog of partition default; it will be exported once it registers (consul catalog services -partition default)',
      },
    ]);
    expect(plan.errors).toEqual([]);
    expect(blockedOf(plan)).toEqual([]);
    expect(plan.steps.map((s) => s.id)).toContain('export/cluster-02/default');
  });

  it('with strict, fails the precondition and blocks only the export step and the verification that needs it', async () => {
    const t = await topology('runbook');
    const observed = withCatalog(emptyObserved(t), 'cluster-02', {
      services: { default: [] },
      unreadable: {},
    });
    const plan = planFor(t, observed, { strict: true });
    expect(plan.warnings).toEqual([]);
    expect(plan.errors).toEqual([
      {
        id: 'export-service/cluster-02',
        code: 'export_service_missing',
        cluster: 'cluster-02',
        message: 'service "static-server" is exported but not registered in the catalog of partition default',
        fix: 'register it or remove it from exports in peerings.yaml (consul catalog services -partition default); without --strict the export is written and takes effect once the service registers',
      },
    ]);
    expect(blockedOf(plan)).toEqual([
      'export/cluster-02/default <- export-service/cluster-02',
      'verify/cluster-01/default/cluster-02/default <- export-service/cluster-02',
    ]);
    expect(plan.converged).toBe(false);
    // The plan without --strict differs only by the error and what it blocks.
    expect(planFor(t, observed).hash).not.toBe(plan.hash);
  });

  it('with strict, blocks nothing of the other installs', async () => {
    const t = await topology('three-cluster-mesh');
    const observed = withCatalog(emptyObserved(t), 'cluster-02', {
      services: { default: [] },
      unreadable: {},
    });
    const plan = planFor(t, observed, { strict: true });
    expect(plan.errors.map((e) => e.id)).toEqual(['export-service/cluster-02']);
    // cluster-02 exports payments to cluster-01 and cluster-03: both of its peerings expect it.
    expect(blockedOf(plan)).toEqual([
      'export/cluster-02/default <- export-service/cluster-02',
      'verify/cluster-01/default/cluster-02/default <- export-service/cluster-02',
      'verify/cluster-02/default/cluster-03/default <- export-service/cluster-02',
    ]);
    expect(
      plan.steps.filter((s) => s.kind === 'export' && s.blockedBy === undefined).map((s) => s.id),
    ).toEqual(['export/cluster-01/default', 'export/cluster-03/default']);
  });

  it('warns that it cannot check, never fails, when the token lacks service:read', async () => {
    const t = await topology('acls');
    // Consul left static-server out of the answer: the token may not read it.
    const observed = withCatalog(emptyObserved(t), 'cluster-02', {
      services: { default: [] },
      unreadable: {},
      lacksServiceRead: true,
    });
    for (const strict of [false, true]) {
      const plan = planFor(t, observed, { strict });
      expect(plan.warnings).toEqual([
        {
          code: 'export_service_unchecked',
          cluster: 'cluster-02',
          service: 'static-server',
          partition: 'default',
          message:
            'cannot check that exported service "static-server" is registered in the catalog of partition default: token lacks service:read',
        },
      ]);
      expect(plan.errors).toEqual([]);
      expect(blockedOf(plan)).toEqual([]);
    }
  });

  it('finds a registered service even with a token that reads only some services', async () => {
    const t = await topology('acls');
    const observed = withCatalog(emptyObserved(t), 'cluster-02', {
      services: { default: ['static-server'] },
      unreadable: {},
      lacksServiceRead: true,
    });
    expect(planFor(t, observed, { strict: true }).warnings).toEqual([]);
  });

  it('says why a namespace could not be read, and names the namespace', async () => {
    const t = await topology('admin-partitions');
    const observed = withCatalog(emptyObserved(t), 'cluster-01/finance', {
      services: {},
      unreadable: { default: 'consul GET /v1/catalog/services failed (500): rpc error' },
    });
    const plan = planFor(t, observed, { strict: true });
    expect(plan.errors).toEqual([]);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'cannot check that exported service "ledger" (namespace default) is registered in the catalog of partition finance: consul GET /v1/catalog/services failed (500): rpc error',
    ]);
  });
});
