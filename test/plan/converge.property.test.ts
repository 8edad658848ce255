import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObservedCluster, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { sourceKey } from '../../src/resources/service-intentions-merge.ts';
import { parseTopology, type Topology } from '../../src/topology/index.ts';
import { applyPlan, applyPrefix, emptyObserved, worldProblems } from './world-model.ts';

/** Traffic settings for one export (cluster, service, peer): an intention, failover, via a group. */
type TrafficPick = readonly [number, 'allow' | 'deny', boolean, boolean, boolean];

/** The intentions, failover and samenessGroups sections for some of the generated exports. */
function trafficLines(
  exported: ReadonlyArray<readonly [string, string, string]>,
  picks: readonly TrafficPick[],
  enterprise: (cluster: string) => boolean,
): string[] {
  const intentions = new Map<string, Map<string, string>>();
  const failover = new Map<string, string>();
  const groups = new Map<string, Set<string>>();
  for (const [i, action, wildcard, fails, viaGroup] of picks) {
    const [cluster, service, peer] = exported[i % Math.max(1, exported.length)] ?? [];
    if (cluster === undefined || service === undefined || peer === undefined) continue;
    const sources = intentions.get(`${cluster} ${service}`) ?? new Map<string, string>();
    sources.set(`${peer} ${wildcard ? "'*'" : 'client'}`, action);
    intentions.set(`${cluster} ${service}`, sources);
    if (!fails || failover.has(`${peer} ${service}`)) continue;
    const group = viaGroup && enterprise(peer);
    if (group) groups.set(peer, (groups.get(peer) ?? new Set()).add(cluster));
    failover.set(`${peer} ${service}`, group ? 'samenessGroup: grp' : `targets: [{ peer: ${cluster} }]`);
  }
  return [
    `intentions:${intentions.size === 0 ? ' []' : ''}`,
    ...[...intentions].flatMap(([place, sources]) => {
      const [cluster, destination] = place.split(' ');
      return [
        `  - { cluster: ${cluster}, destination: ${destination}, sources: [`,
        ...[...sources].map(([k, action]) => {
          const [peer, service] = k.split(' ');
          return `      { peer: ${peer}, service: ${service}, action: ${action} },`;
        }),
        '    ] }',
      ];
    }),
    `failover:${failover.size === 0 ? ' []' : ''}`,
    ...[...failover].map(([place, how]) => {
      const [cluster, service] = place.split(' ');
      return `  - { cluster: ${cluster}, service: ${service}, ${how} }`;
    }),
    `samenessGroups:${groups.size === 0 ? ' []' : ''}`,
    ...[...groups].map(
      ([cluster, peers]) =>
        `  - { cluster: ${cluster}, name: grp, defaultForFailover: false, includeLocal: true, members: [${[...peers].map((p) => `{ peer: ${p} }`).join(', ')}] }`,
    ),
  ];
}

const topologyArb = fc
  .record({
    clusters: fc.integer({ min: 2, max: 5 }),
    enterprise: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    pairs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 8 }),
    exports: fc.array(fc.tuple(fc.nat(), fc.constantFrom('api', 'web', 'db'), fc.nat()), { maxLength: 8 }),
    traffic: fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('allow' as const, 'deny' as const),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
      ),
      { maxLength: 6 },
    ),
    prune: fc.boolean(),
  })
  .map(({ clusters, enterprise, pairs, exports, traffic, prune }): Topology => {
    const name = (i: number) => `cluster-0${(i % clusters) + 1}`;
    const isEnterprise = (c: string) => enterprise[Number(c.slice(-1)) - 1] === true;
    const seen = new Set<string>();
    const peerings: string[] = [];
    const peersOf = new Map<string, string[]>();
    for (const [a, b, flip] of pairs) {
      const [x, y] = [name(a), name(b)];
      const key = [x, y].sort().join();
      if (x === y || seen.has(key)) continue;
      seen.add(key);
      const [acc, dial] = flip ? [y, x] : [x, y];
      peerings.push(`  - { acceptor: ${acc}, dialer: ${dial} }`);
      peersOf.set(acc, [...(peersOf.get(acc) ?? []), dial]);
      peersOf.set(dial, [...(peersOf.get(dial) ?? []), acc]);
    }
    const byCluster = new Map<string, Map<string, string>>();
    for (const [c, svc, p] of exports) {
      const peers = peersOf.get(name(c)) ?? [];
      if (peers.length === 0) continue;
      const services = byCluster.get(name(c)) ?? new Map<string, string>();
      services.set(svc, peers[p % peers.length] as string);
      byCluster.set(name(c), services);
    }
    const exportLines = [...byCluster].flatMap(([c, services]) => [
      `  - cluster: ${c}`,
      '    services:',
      ...[...services].map(([s, peer]) => `      - { name: ${s}, consumers: [{ peer: ${peer} }] }`),
    ]);
    const exported = [...byCluster].flatMap(([c, services]) =>
      [...services].map(([s, peer]) => [c, s, peer] as const),
    );
    const yaml = [
      'apiVersion: meshpeer.dev/v1alpha1',
      'kind: PeeringTopology',
      'metadata: { name: generated }',
      'clusters:',
      ...Array.from({ length: clusters }, (_, i) =>
        isEnterprise(name(i)) ? `  - { name: ${name(i)}, enterprise: true }` : `  - name: ${name(i)}`,
      ),
      `peerings:${peerings.length === 0 ? ' []' : ''}`,
      ...peerings,
      `exports:${exportLines.length === 0 ? ' []' : ''}`,
      ...exportLines,
      ...trafficLines(exported, traffic, isEnterprise),
      ...(prune ? [] : ['prune: { enabled: false }']),
    ].join('\n');
    const result = parseTopology(yaml, 'generated.yaml');
    if (!result.ok)
      throw new Error(`generator produced an invalid file: ${result.diagnostics[0]?.message}\n${yaml}`);
    return result.topology;
  });

type Drift =
  | 'terminate-dialer'
  | 'delete-acceptor-peering'
  | 'delete-copied-secret'
  | 'delete-mesh'
  | 'proxy-none'
  | 'clear-exports'
  | 'foreign-source'
  | 'clear-intentions'
  | 'drop-failover'
  | 'delete-sameness-groups';

/** A source another team wrote into a ServiceIntentions: it must survive every apply. */
const FOREIGN = { name: 'team-app', peer: 'team-peer', action: 'allow' } as const;

function trafficDrift(c: ObservedCluster, kind: Drift): ObservedCluster | undefined {
  switch (kind) {
    case 'foreign-source':
      return { ...c, intentions: c.intentions.map((i) => ({ ...i, sources: [...i.sources, FOREIGN] })) };
    case 'clear-intentions':
      return {
        ...c,
        intentions: c.intentions.map((i) => ({
          ...i,
          sources: i.sources.filter((s) => !i.owned.includes(sourceKey(s))),
        })),
      };
    case 'drop-failover':
      return {
        ...c,
        resolvers: c.resolvers.map(({ failover: _dropped, ...r }) => ({ ...r, otherFields: true })),
      };
    case 'delete-sameness-groups':
      return { ...c, samenessGroups: [] };
    default:
      return undefined;
  }
}

function drift(observed: ObservedState, cluster: string, kind: Drift): ObservedState {
  const c = observed.clusters[cluster];
  if (!c?.reachable || !c.consul.reachable) return observed;
  const consul = c.consul;
  const changed: ObservedCluster = (() => {
    const traffic = trafficDrift(c, kind);
    if (traffic !== undefined) return traffic;
    switch (kind) {
      case 'terminate-dialer':
        return {
          ...c,
          consul: {
            ...consul,
            peerings: consul.peerings.map((p) => ({ ...p, state: 'TERMINATED' as const })),
          },
        };
      case 'delete-acceptor-peering':
        return {
          ...c,
          consul: {
            ...consul,
            peerings: consul.peerings.filter((p) => !c.acceptors.some((a) => a.name === p.name)),
          },
        };
      case 'delete-copied-secret':
        return { ...c, tokenSecrets: c.tokenSecrets.filter((s) => !s.managed) };
      case 'delete-mesh': {
        const { mesh: _mesh, ...rest } = c;
        return rest;
      }
      case 'proxy-none':
        return c.proxyDefaults ? { ...c, proxyDefaults: { ...c.proxyDefaults, meshGatewayMode: 'none' } } : c;
      case 'clear-exports':
        return { ...c, exports: c.exports.map((e) => ({ ...e, services: [] })) };
      default:
        return c;
    }
  })();
  return { clusters: { ...observed.clusters, [cluster]: changed } };
}

const driftArb = fc.array(
  fc.tuple(
    fc.integer({ min: 1, max: 5 }),
    fc.constantFrom<Drift>(
      'terminate-dialer',
      'delete-acceptor-peering',
      'delete-copied-secret',
      'delete-mesh',
      'proxy-none',
      'clear-exports',
      'foreign-source',
      'clear-intentions',
      'drop-failover',
      'delete-sameness-groups',
    ),
  ),
  { maxLength: 3 },
);

describe('planner convergence (property)', () => {
  it('plans nothing but verification after its own effects, from any partial or drifted state', () => {
    fc.assert(
      // Half the runs drift a fully applied world, where every kind of resource exists to drift.
      fc.property(topologyArb, fc.option(fc.nat(), { freq: 2 }), driftArb, (t, cut, drifts) => {
        const empty = emptyObserved(t);
        const full = planFor(t, empty);
        const partial =
          cut === null
            ? applyPlan(t, empty, full)
            : applyPrefix(t, empty, full, cut % (full.steps.length + 1));
        const start = drifts.reduce((o, [i, kind]) => drift(o, `cluster-0${i}`, kind), partial);
        const plan = planFor(t, start);
        const world = applyPlan(t, start, plan);
        expect(worldProblems(t, world)).toEqual([]);
        const after = planFor(t, world);
        expect(after.steps.filter((s) => s.kind !== 'verify').map((s) => s.id)).toEqual([]);
        expect(after.converged).toBe(true);
        for (const [name, c] of Object.entries(start.clusters)) {
          if (!c.reachable) continue;
          const kept = (o: ObservedState) => {
            const w = o.clusters[name];
            return w?.reachable
              ? w.intentions.filter((i) => i.sources.includes(FOREIGN)).map((i) => i.name)
              : [];
          };
          expect(kept(world).sort()).toEqual(kept(start).sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('generates every traffic kind, with and without pruning, so the property covers them', () => {
    const sample = fc.sample(topologyArb, { numRuns: 300, seed: 16 });
    const plans = sample.map((t) => planFor(t, emptyObserved(t)));
    const kinds = new Set(plans.flatMap((p) => p.steps.map((s) => s.kind)));
    expect([...kinds].filter((k) => ['sameness-group', 'intentions', 'resolver'].includes(k)).sort()).toEqual(
      ['intentions', 'resolver', 'sameness-group'],
    );
    expect(new Set(sample.map((t) => t.prune.enabled))).toEqual(new Set([true, false]));
    expect(sample.some((t) => t.failover.some((f) => f.samenessGroup !== undefined))).toBe(true);
    expect(sample.some((t) => t.intentions.some((i) => i.sources.some((x) => x.service === '*')))).toBe(true);
  });

  it('is deterministic: the same inputs give the same plan and hash', () => {
    fc.assert(
      fc.property(topologyArb, (t) => {
        const observed = emptyObserved(t);
        expect(planFor(t, observed)).toEqual(planFor(t, structuredClone(observed)));
      }),
      { numRuns: 50 },
    );
  });
});
