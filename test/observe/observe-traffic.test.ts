/** Observation of ServiceIntentions, ServiceResolvers and SamenessGroups, and when they are read at all. */
import { describe, expect, it } from 'vitest';
import { type ClusterReader, KubeError, type LiveObject } from '../../src/kube/cluster-client.ts';
import { observeTraffic } from '../../src/observe/observe-traffic.ts';
import { intentionsFacts, resolverFacts, samenessGroupFacts } from '../../src/observe/traffic-facts.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';

const live = (kind: string, name: string, rest: Partial<LiveObject>): LiveObject => ({
  apiVersion: 'consul.hashicorp.com/v1alpha1',
  kind,
  ...rest,
  metadata: { name, namespace: 'apps', resourceVersion: '7', ...rest.metadata },
});

async function failover(): Promise<Topology> {
  const r = await loadTopologyFile('desired-state-examples/failover/peerings.yaml');
  if (!r.ok) throw new Error('invalid example');
  return r.topology;
}

/** A reader that lists from `objects` and records which kinds were listed; `refuse` kinds fail. */
function reader(objects: LiveObject[], refuse: readonly string[] = []) {
  const listed: string[] = [];
  const r: ClusterReader = {
    get: async () => undefined,
    async list(_v, kind) {
      listed.push(kind);
      if (refuse.includes(kind))
        throw new KubeError('forbidden', `list ${kind} failed: forbidden (403)`, 403);
      return objects.filter((o) => o.kind === kind);
    },
    proxyRequest: async () => ({ status: 500, body: '' }),
  };
  return { r, listed };
}

describe('traffic facts', () => {
  it('reads a ServiceIntentions by destination, with meshpeer’s recorded sources', () => {
    const facts = intentionsFacts(
      live('ServiceIntentions', 'team-rules', {
        metadata: {
          name: 'team-rules',
          annotations: { 'meshpeer.dev/owned-intentions': '["peer:a/default/x"]' },
        },
        spec: {
          destination: { name: 'api', namespace: 'shop' },
          sources: [{ name: 'x', peer: 'a', action: 'allow' }],
        },
        status: { conditions: [{ type: 'Synced', status: 'True' }] },
      }),
    );
    expect(facts).toMatchObject({
      name: 'team-rules',
      destination: 'api',
      destinationNamespace: 'shop',
      owned: ['peer:a/default/x'],
      managed: false,
      synced: true,
    });
  });

  it('reads a resolver’s failover["*"], whether meshpeer wrote it, and what else it holds', () => {
    const facts = resolverFacts(
      live('ServiceResolver', 'api', {
        metadata: { name: 'api', annotations: { 'meshpeer.dev/owned-failover': '*' } },
        spec: { redirect: { service: 'b' }, failover: { '*': { targets: [{ peer: 'p' }] } } },
      }),
    );
    expect(facts).toMatchObject({
      failover: { targets: [{ peer: 'p' }] },
      ownsFailover: true,
      otherFields: true,
      redirect: true,
    });
  });

  it('reads a sameness group’s declared fields, normalized', () => {
    const facts = samenessGroupFacts(live('SamenessGroup', 'g', { spec: { members: [{ peer: 'p' }] } }));
    expect(facts.fields).toEqual({ defaultForFailover: false, includeLocal: false, members: ['peer:p'] });
  });
});

describe('observeTraffic', () => {
  it('reads only the kinds the install declares when pruning is off', async () => {
    const t = await failover();
    const off = { ...t, prune: { ...t.prune, enabled: false } };
    const spec = off.clusters.find((c) => c.name === 'cluster-01');
    if (spec === undefined) throw new Error('fixture');
    const { r, listed } = reader([live('ServiceResolver', 'static-server', { spec: {} })]);
    const facts = await observeTraffic(r, spec, off);
    expect(listed).toEqual(['ServiceResolver']);
    expect(facts.resolvers.map((x) => x.name)).toEqual(['static-server']);
    expect(facts.intentions).toEqual([]);
  });

  it('fails on a kind the install declares, but not on one read only to find leftovers', async () => {
    const t = await failover();
    const spec = t.clusters.find((c) => c.name === 'cluster-01');
    if (spec === undefined) throw new Error('fixture');
    const forLeftovers = reader([], ['ServiceIntentions', 'SamenessGroup']);
    expect(await observeTraffic(forLeftovers.r, spec, t)).toEqual({
      intentions: [],
      resolvers: [],
      samenessGroups: [],
    });
    expect(forLeftovers.listed.sort()).toEqual(['SamenessGroup', 'ServiceIntentions', 'ServiceResolver']);
    await expect(observeTraffic(reader([], ['ServiceResolver']).r, spec, t)).rejects.toThrow(
      'list ServiceResolver failed: forbidden (403)',
    );
  });
});
