import { describe, expect, it } from 'vitest';
import { planFor } from '../../src/plan/index.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';
import { applyPlan, emptyObserved } from './world-model.ts';

async function topology(name: string) {
  const r = await loadTopologyFile(`desired-state-examples/${name}/peerings.yaml`);
  if (!r.ok) throw new Error('invalid example');
  return r.topology;
}

describe('planFor on the runbook', () => {
  it('plans the whole runbook on empty clusters, in runbook order', async () => {
    const t = await topology('runbook');
    const plan = planFor(t, emptyObserved(t));
    expect(plan.steps.map((s) => s.id)).toEqual([
      'helm-values-check/cluster-01/consul',
      'helm-values-check/cluster-02/consul',
      'mesh-gateway/cluster-01/mesh',
      'mesh-gateway/cluster-02/mesh',
      'acceptor/cluster-01/consul/cluster-02',
      'token-transfer/cluster-02/consul/peering-token-cluster-01-cluster-02',
      'dialer/cluster-02/consul/cluster-01',
      'export/cluster-02/default',
      'verify/cluster-01/default/cluster-02/default',
    ]);
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    expect(
      byId.get('token-transfer/cluster-02/consul/peering-token-cluster-01-cluster-02')?.dependsOn,
    ).toEqual(['acceptor/cluster-01/consul/cluster-02', 'mesh-gateway/cluster-02/mesh']);
    expect(byId.get('dialer/cluster-02/consul/cluster-01')?.dependsOn).toEqual([
      'token-transfer/cluster-02/consul/peering-token-cluster-01-cluster-02',
    ]);
    expect(byId.get('verify/cluster-01/default/cluster-02/default')?.dependsOn).toEqual([
      'acceptor/cluster-01/consul/cluster-02',
      'export/cluster-02/default',
    ]);
    expect(plan.summary).toEqual({ add: 6, change: 0, destroy: 0, verify: 1, blocked: 0 });
    expect(plan.converged).toBe(false);
  });

  it('plans only verification once converged, with a stable hash', async () => {
    const t = await topology('runbook');
    const done = applyPlan(t, emptyObserved(t), planFor(t, emptyObserved(t)));
    const plan = planFor(t, done);
    expect(plan.steps.map((s) => s.kind)).toEqual(['verify']);
    expect(plan.converged).toBe(true);
    expect(planFor(t, done).hash).toBe(plan.hash);
  });

  it('re-peers with a raised peering-version when the dialer side is TERMINATED', async () => {
    const t = await topology('runbook');
    const done = applyPlan(t, emptyObserved(t), planFor(t, emptyObserved(t)));
    const c2 = done.clusters['cluster-02'];
    if (!c2?.reachable || !c2.consul.reachable) throw new Error('fixture');
    const drifted = {
      clusters: {
        ...done.clusters,
        'cluster-02': {
          ...c2,
          consul: {
            ...c2.consul,
            peerings: c2.consul.peerings.map((p) => ({ ...p, state: 'TERMINATED' as const })),
          },
        },
      },
    };
    const plan = planFor(t, drifted);
    expect(
      plan.steps
        .filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check')
        .map((s) => `${s.kind}:${s.action}`),
    ).toEqual(['rotate:rotate', 'token-transfer:copy']);
    const rotate = plan.steps.find((s) => s.kind === 'rotate');
    expect(rotate?.params).toMatchObject({ version: 1 });
    expect(planFor(t, applyPlan(t, drifted, plan)).converged).toBe(true);
  });

  it('reports an unreachable cluster and blocks only what needs it', async () => {
    const t = await topology('three-cluster-mesh');
    const observed = emptyObserved(t);
    const plan = planFor(t, {
      clusters: {
        ...observed.clusters,
        'cluster-03': { reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:6443' },
      },
    });
    expect(plan.errors.map((e) => e.id)).toEqual(['unreachable/cluster-03']);
    expect(plan.steps.some((s) => s.lane === 'cluster-03')).toBe(false);
    const verify = plan.steps.filter((s) => s.kind === 'verify');
    expect(verify.filter((s) => s.blockedBy !== undefined).map((s) => s.id)).toEqual([
      'verify/cluster-01/default/cluster-03/default',
      'verify/cluster-02/default/cluster-03/default',
    ]);
    expect(
      plan.steps.find((s) => s.id === 'acceptor/cluster-01/consul/cluster-02')?.blockedBy,
    ).toBeUndefined();
  });

  it('turns bad Helm values into a blocking error that names the fix', async () => {
    const t = await topology('runbook');
    const observed = emptyObserved(t);
    const c1 = observed.clusters['cluster-01'];
    if (!c1?.reachable || !c1.install) throw new Error('fixture');
    const bad = {
      ...c1,
      install: { ...c1.install, values: { ...c1.install.values, peeringEnabled: false } },
    };
    const plan = planFor(t, { clusters: { ...observed.clusters, 'cluster-01': bad } });
    expect(plan.errors).toEqual([
      expect.objectContaining({
        id: 'helm/cluster-01',
        fix: 'helm upgrade consul hashicorp/consul -n consul --reuse-values --set global.peering.enabled=true',
      }),
    ]);
    expect(
      plan.steps.filter((s) => s.lane === 'cluster-01').every((s) => s.blockedBy === 'helm/cluster-01'),
    ).toBe(true);
    expect(plan.steps.find((s) => s.kind === 'token-transfer')?.blockedBy).toBe('helm/cluster-01');
    expect(plan.steps.find((s) => s.id === 'export/cluster-02/default')?.blockedBy).toBeUndefined();
  });

  it('refuses to prune every peering without prune.allowAll', async () => {
    const t = await topology('runbook');
    const done = applyPlan(t, emptyObserved(t), planFor(t, emptyObserved(t)));
    const plan = planFor({ ...t, peerings: [], exports: [] }, done);
    expect(plan.errors.map((e) => e.code)).toEqual(['prune_all_refused']);
    expect(
      plan.steps.filter((s) => s.kind.startsWith('prune-')).every((s) => s.blockedBy === 'prune-all'),
    ).toBe(true);
    const allowed = planFor(
      { ...t, peerings: [], exports: [], prune: { enabled: true, allowAll: true } },
      done,
    );
    expect(allowed.steps.map((s) => s.kind)).toEqual([
      'helm-values-check',
      'helm-values-check',
      'prune-dialer',
      'prune-acceptor',
      'prune-token-secret',
      'prune-export',
    ]);
  });
});
