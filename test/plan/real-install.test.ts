/** The planner against the shapes a real chart install has, from pure fixtures (no sandbox). */
import { describe, expect, it } from 'vitest';
import type { ObservedCluster, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { applyPlan, emptyObserved } from './world-model.ts';

async function topology(name: string): Promise<Topology> {
  const r = await loadTopologyFile(`desired-state-examples/${name}/peerings.yaml`);
  if (!r.ok) throw new Error('invalid example');
  return r.topology;
}

function edit(
  observed: ObservedState,
  cluster: string,
  change: (c: ObservedCluster) => ObservedCluster,
): ObservedState {
  const c = observed.clusters[cluster];
  if (!c?.reachable) throw new Error('fixture');
  return { clusters: { ...observed.clusters, [cluster]: change(c) } };
}

async function converged(name: string) {
  const t = await topology(name);
  return { t, done: applyPlan(t, emptyObserved(t), planFor(t, emptyObserved(t))) };
}

const base = { managed: false, deleting: false, synced: true, resourceVersion: '7' };

describe('singletons found anywhere in the cluster', () => {
  it('adopts a Mesh that lives in another namespace instead of creating a second one', async () => {
    const t = await topology('runbook');
    const observed = edit(emptyObserved(t), 'cluster-01', (c) => ({
      ...c,
      mesh: { ...base, name: 'mesh', namespace: 'platform', peerThroughMeshGateways: false },
    }));
    const step = planFor(t, observed).steps.find((s) => s.id === 'mesh-gateway/cluster-01/mesh');
    expect(step?.target).toMatchObject({ kind: 'Mesh+ProxyDefaults', namespace: 'platform' });
    expect(step?.kind === 'mesh-gateway' && step.params.mesh?.metadata.namespace).toBe('platform');
  });

  it('leaves a correct Mesh elsewhere and an undeclared ProxyDefaults mode alone', async () => {
    const t = await topology('three-cluster-mesh');
    const observed = edit(emptyObserved(t), 'cluster-01', (c) => ({
      ...c,
      mesh: { ...base, name: 'mesh', namespace: 'platform', peerThroughMeshGateways: true },
      proxyDefaults: { ...base, name: 'global', namespace: 'platform', meshGatewayMode: 'remote' },
    }));
    expect(planFor(t, observed).steps.some((s) => s.id === 'mesh-gateway/cluster-01/mesh')).toBe(false);
  });

  it('compares only the mode of ProxyDefaults when peerings.yaml declares one', async () => {
    const t = await topology('runbook');
    const observed = edit(emptyObserved(t), 'cluster-01', (c) => ({
      ...c,
      mesh: { ...base, name: 'mesh', namespace: 'consul', peerThroughMeshGateways: true },
      proxyDefaults: { ...base, name: 'global', namespace: 'consul', meshGatewayMode: 'local' },
    }));
    expect(planFor(t, observed).steps.some((s) => s.id === 'mesh-gateway/cluster-01/mesh')).toBe(false);
  });
});

describe('exports shared with other teams', () => {
  it("plans nothing when meshpeer's entries are there beside another team's", async () => {
    const { t, done } = await converged('runbook');
    const withOthers = edit(done, 'cluster-02', (c) => ({
      ...c,
      exports: c.exports.map((e) => ({
        ...e,
        services: [...e.services, { name: 'billing', consumers: [{ peer: 'partner' }] }],
      })),
    }));
    expect(planFor(t, withOthers).converged).toBe(true);
  });
});

describe('token copies', () => {
  it('does not copy again when only the source Secret changed (a label, a resourceVersion)', async () => {
    const { t, done } = await converged('runbook');
    const relabelled = edit(done, 'cluster-01', (c) => ({
      ...c,
      tokenSecrets: c.tokenSecrets.map((s) => ({ ...s, resourceVersion: '99999' })),
    }));
    expect(planFor(t, relabelled).converged).toBe(true);
  });

  it('copies when the acceptor holds another token', async () => {
    const { t, done } = await converged('runbook');
    const rotated = edit(done, 'cluster-01', (c) => ({
      ...c,
      tokenSecrets: c.tokenSecrets.map((s) => ({ ...s, fingerprints: { data: 'another-token' } })),
    }));
    expect(planFor(t, rotated).steps.map((s) => s.kind)).toContain('token-transfer');
  });
});

describe('ACLs named as such', () => {
  it('reports an install without ACLs as a mismatch, not an unreachable API', async () => {
    const t = await topology('acls');
    const observed = edit(emptyObserved(t), 'cluster-01', (c) => ({
      ...c,
      consul: { reachable: true, peerings: [], acl: { disabled: true } },
    }));
    const error = planFor(t, observed).errors.find((e) => e.cluster === 'cluster-01');
    expect(error).toMatchObject({ code: 'acl_mismatch' });
    expect(error?.message).toContain('runs without ACLs');
  });

  it('reports a cluster that wants tokens when peerings.yaml has no ACLs', async () => {
    const t = await topology('runbook');
    const observed = edit(emptyObserved(t), 'cluster-02', (c) => ({
      ...c,
      consul: { reachable: true, peerings: [], aclRequired: true },
    }));
    expect(planFor(t, observed).errors.map((e) => e.code)).toEqual(['acl_mismatch']);
  });

  it("repairs the gateways' role, naming it in the step", async () => {
    const t = await topology('acls');
    const observed = edit(emptyObserved(t), 'cluster-02', (c) =>
      c.consul.reachable
        ? {
            ...c,
            consul: {
              ...c.consul,
              acl: {
                ...c.consul.acl,
                meshGatewayPermissions: ['service:write', 'service:read', 'mesh:write'],
              },
            },
          }
        : c,
    );
    const step = planFor(t, observed).steps.find((s) => s.kind === 'acl');
    expect(step).toMatchObject({
      target: { kind: 'ACLRole', name: 'consul-consul-mesh-gateway-acl-role' },
      params: { source: { via: 'role' }, missing: ['peering:read'] },
    });
  });
});

describe('installs without a Helm release Secret', () => {
  it('blocks with consul_not_found when nothing of the release exists', async () => {
    const t = await topology('runbook');
    const observed = edit(emptyObserved(t), 'cluster-01', ({ install: _gone, ...c }) => c);
    const error = planFor(t, observed).errors[0];
    expect(error).toMatchObject({ code: 'consul_not_found', cluster: 'cluster-01' });
    expect(error?.fix).toContain('consul.helmValues');
  });

  it('states in the plan where inferred values came from', async () => {
    const t = await topology('runbook');
    const observed = edit(emptyObserved(t), 'cluster-01', (c) =>
      c.install === undefined
        ? c
        : {
            ...c,
            install: {
              ...c.install,
              source: 'inferred',
              evidence: ['TLS from the ports of Service consul-consul-server'],
            },
          },
    );
    expect(planFor(t, observed).notes).toEqual([
      {
        cluster: 'cluster-01',
        message:
          'no Helm release Secret for consul: values inferred from the objects (TLS from the ports of Service consul-consul-server)',
      },
    ]);
  });

  it('asks for enableConsulNamespaces when exports name namespaces', async () => {
    const t = await topology('admin-partitions');
    // The export with a namespace lives in the finance partition, so only that install needs it.
    const observed = edit(emptyObserved(t), 'cluster-01/finance', (c) =>
      c.install === undefined
        ? c
        : { ...c, install: { ...c.install, values: { ...c.install.values, enableConsulNamespaces: false } } },
    );
    expect(planFor(t, observed).errors.map((e) => e.message)).toEqual([
      'Helm release consul lacks global.enableConsulNamespaces=true',
    ]);
  });
});

describe('admin partitions, one install each', () => {
  it('converges with one Mesh, in the server install, and the rest in each partition install', async () => {
    const { t, done } = await converged('admin-partitions');
    expect(planFor(t, done).converged).toBe(true);
    const steps = planFor(t, emptyObserved(t)).steps;
    expect(steps.filter((s) => s.kind === 'mesh-gateway').map((s) => s.lane)).toEqual([
      'cluster-01',
      'cluster-02',
    ]);
    expect(steps.find((s) => s.kind === 'dialer' && s.lane === 'cluster-02/payments')?.target).toMatchObject({
      kind: 'PeeringDialer',
      namespace: 'consul',
      name: 'cluster-01-finance',
    });
  });

  it('asks a partition install for externalServers and names its own entry in peerings.yaml', async () => {
    const t = await topology('admin-partitions');
    const observed = edit(emptyObserved(t), 'cluster-02/payments', (c) =>
      c.install === undefined
        ? c
        : {
            ...c,
            install: {
              ...c.install,
              source: 'declared',
              values: { ...c.install.values, externalServersEnabled: false },
            },
          },
    );
    const [error] = planFor(t, observed).errors;
    expect(error?.message).toBe('the declared values of consul lack externalServers.enabled=true');
    expect(error?.fix).toContain('clusters[cluster-02].partitions[payments].consul.helmValues');
  });

  it('reports a context whose install serves another partition', async () => {
    const t = await topology('admin-partitions');
    const observed = edit(emptyObserved(t), 'cluster-01/retail', (c) =>
      c.install === undefined ? c : { ...c, install: { ...c.install, partitionName: 'finance' } },
    );
    expect(planFor(t, observed).errors).toMatchObject([
      {
        code: 'partition_mismatch',
        cluster: 'cluster-01/retail',
        message:
          'the install in kube context cluster-01-retail serves partition "finance", but peerings.yaml puts partition "retail" there',
      },
    ]);
  });

  it("blocks a partition install's steps when its servers' install is blocked", async () => {
    const t = await topology('admin-partitions');
    const observed = edit(emptyObserved(t), 'cluster-02', (c) =>
      c.install === undefined
        ? c
        : { ...c, install: { ...c.install, values: { ...c.install.values, peeringEnabled: false } } },
    );
    const plan = planFor(t, observed);
    expect(plan.errors.map((e) => e.id)).toEqual(['helm/cluster-02']);
    const payments = plan.steps.filter((s) => s.lane === 'cluster-02/payments');
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.every((s) => s.blockedBy === 'helm/cluster-02')).toBe(true);
    expect(
      plan.steps.filter((s) => s.lane === 'cluster-01/finance').every((s) => s.blockedBy === undefined),
    ).toBe(true);
  });
});
