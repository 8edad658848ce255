import { describe, expect, it } from 'vitest';
import type { ObservedCluster, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor, type Step } from '../../src/plan/index.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { TEAM_SOURCE, trafficFixture, trafficTopology } from './traffic-fixtures.ts';
import { applyPlan, emptyObserved } from './world-model.ts';

async function failoverExample(): Promise<Topology> {
  const r = await loadTopologyFile('desired-state-examples/failover/peerings.yaml');
  if (!r.ok) throw new Error('invalid example');
  return r.topology;
}

const changes = (steps: readonly Step[]) =>
  steps.filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check');

function withCluster(
  o: ObservedState,
  name: string,
  f: (c: ObservedCluster) => ObservedCluster,
): ObservedState {
  const c = o.clusters[name];
  if (!c?.reachable) throw new Error(`fixture: ${name} unreachable`);
  return { clusters: { ...o.clusters, [name]: f(c) } };
}

describe('planFor with traffic settings', () => {
  it('orders intentions after the export and the resolver after the peering and the peer’s export', async () => {
    const t = await failoverExample();
    const plan = planFor(t, emptyObserved(t));
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    expect(byId.get('intentions/cluster-02/default/static-server')?.dependsOn).toEqual([
      'export/cluster-02/default',
    ]);
    expect(byId.get('resolver/cluster-01/default/static-server')?.dependsOn).toEqual([
      'acceptor/cluster-01/consul/cluster-02',
      'dialer/cluster-02/consul/cluster-01',
      'export/cluster-02/default',
      'token-transfer/cluster-02/consul/peering-token-cluster-01-cluster-02',
    ]);
    const resolver = byId.get('resolver/cluster-01/default/static-server');
    expect(resolver?.params).toEqual({
      object: {
        apiVersion: 'consul.hashicorp.com/v1alpha1',
        kind: 'ServiceResolver',
        metadata: {
          name: 'static-server',
          namespace: 'consul',
          labels: { 'app.kubernetes.io/managed-by': 'meshpeer' },
          annotations: { 'meshpeer.dev/owned-failover': '*' },
        },
        spec: { failover: { '*': { targets: [{ peer: 'cluster-02' }] } } },
      },
    });
  });

  it('plans nothing but verification once applied: a second apply writes nothing', async () => {
    for (const t of [await failoverExample(), trafficTopology()]) {
      const done = applyPlan(t, emptyObserved(t), planFor(t, emptyObserved(t)));
      const again = planFor(t, done);
      expect(changes(again.steps)).toEqual([]);
      expect(again.converged).toBe(true);
    }
  });

  it('blocks a resolver whose peering is blocked in the other install', async () => {
    const t = await failoverExample();
    const observed = withCluster(emptyObserved(t), 'cluster-02', (c) =>
      c.install === undefined
        ? c
        : { ...c, install: { ...c.install, values: { ...c.install.values, peeringEnabled: false } } },
    );
    const plan = planFor(t, observed);
    const resolver = plan.steps.find((s) => s.kind === 'resolver');
    expect(resolver?.lane).toBe('cluster-01');
    expect(resolver?.blockedBy).toBe('helm/cluster-02');
  });

  it('a sameness group comes before the export and the resolver that name it', () => {
    const base = trafficTopology();
    const t: Topology = {
      ...base,
      exports: base.exports.map((e) =>
        e.install !== 'cluster-02/payments'
          ? e
          : {
              ...e,
              services: e.services.map((s) => ({
                ...s,
                consumers: [...s.consumers, { samenessGroup: 'shop' }],
              })),
            },
      ),
    };
    const plan = planFor(t, emptyObserved(t));
    const ids = plan.steps.map((s) => s.id);
    const group = 'sameness-group/cluster-02/payments/shop';
    for (const id of ['export/cluster-02/payments/payments', 'resolver/cluster-02/payments/default/ledger']) {
      expect(plan.steps.find((s) => s.id === id)?.dependsOn).toContain(group);
      expect(ids.indexOf(group)).toBeLessThan(ids.indexOf(id));
    }
  });
});

describe('planFor on traffic resources others share', () => {
  const t = trafficTopology();

  it('merges into others’ objects, adopts a foreign group, prunes only meshpeer’s, and then converges', () => {
    const drifted = trafficFixture(t, 'traffic-drifted');
    const plan = planFor(t, drifted);
    expect(
      changes(plan.steps).map((s) => `${s.kind}:${s.action}@${s.target.namespace}/${s.target.name}`),
    ).toEqual([
      'sameness-group:update@default/shop',
      'intentions:update@finance-apps/ledger-intentions',
      'intentions:create@consul/checkout',
      'resolver:update@retail-apps/catalog',
      'resolver:create@consul/ledger',
      'prune-intentions:update@consul/legacy',
      'prune-resolver:delete@consul/old-service',
      'prune-sameness-group:delete@default/old-group',
    ]);
    const shop = plan.steps.find((s) => s.kind === 'sameness-group');
    expect(shop?.kind === 'sameness-group' && shop.params.object.metadata.labels).toEqual({});
    const world = applyPlan(t, drifted, plan);
    expect(changes(planFor(t, world).steps)).toEqual([]);
    const finance = world.clusters['cluster-01/finance'];
    const payments = world.clusters['cluster-02/payments'];
    const retail = world.clusters['cluster-01/retail'];
    if (!finance?.reachable || !payments?.reachable || !retail?.reachable) throw new Error('fixture');
    expect(finance.intentions.map((i) => [i.name, i.sources.map((s) => s.name)])).toEqual([
      ['ledger-intentions', ['auditor', 'checkout']],
      ['legacy', ['auditor']],
    ]);
    expect(finance.intentions.every((i) => i.sources.includes(TEAM_SOURCE))).toBe(true);
    expect(payments.samenessGroups.map((g) => [g.name, g.managed])).toEqual([['shop', false]]);
    expect(retail.resolvers.map((r) => [r.name, r.otherFields, r.failover])).toEqual([
      ['catalog', true, { targets: [{ peer: 'cluster-02' }] }],
    ]);
  });

  it('leaves meshpeer’s leftovers alone with pruning off', () => {
    const off: Topology = { ...t, prune: { ...t.prune, enabled: false } };
    const kinds = changes(planFor(off, trafficFixture(off, 'traffic-drifted')).steps).map((s) => s.kind);
    expect(kinds.filter((k) => k.startsWith('prune-'))).toEqual([]);
  });

  it('shows a source others wrote with another action as a conflict apply refuses', () => {
    const conflicting = { name: 'checkout', peer: 'cluster-02-payments', action: 'deny' };
    const observed = withCluster(trafficFixture(t, 'converged'), 'cluster-01/finance', (c) => ({
      ...c,
      intentions: c.intentions.map((i) => ({ ...i, owned: [], sources: [conflicting] })),
    }));
    const step = planFor(t, observed).steps.find((s) => s.kind === 'intentions');
    expect(step?.reason).toBe(
      'ServiceIntentions ledger has sources others wrote for peer:cluster-02-payments/default/checkout with another action: apply refuses to overwrite them',
    );
  });

  it('says apply refuses a failover beside a redirect', () => {
    const observed = withCluster(trafficFixture(t, 'empty'), 'cluster-01/retail', (c) => ({
      ...c,
      resolvers: [
        {
          name: 'catalog',
          namespace: 'consul',
          resourceVersion: '1',
          managed: false,
          deleting: false,
          ownsFailover: false,
          otherFields: true,
          redirect: true,
        },
      ],
    }));
    const step = planFor(t, observed).steps.find(
      (s) => s.kind === 'resolver' && s.lane === 'cluster-01/retail',
    );
    expect(step?.reason).toContain('has a redirect: apply refuses to add a failover beside it');
  });

  it('refuses sameness groups on a Consul older than 1.16', () => {
    const observed = withCluster(trafficFixture(t, 'empty'), 'cluster-02/payments', (c) =>
      c.install === undefined ? c : { ...c, install: { ...c.install, consulVersion: '1.15.4' } },
    );
    const plan = planFor(t, observed);
    expect(plan.errors.find((e) => e.cluster === 'cluster-02/payments')).toMatchObject({
      code: 'version_too_old',
      message:
        'cluster peering needs newer versions: Consul 1.15.4 for sameness groups (needs 1.16.0 or newer)',
    });
    expect(plan.steps.find((s) => s.kind === 'sameness-group')?.blockedBy).toBe(
      'version/cluster-02/payments',
    );
  });
});
