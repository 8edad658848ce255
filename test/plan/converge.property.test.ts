import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObservedCluster, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { parseTopology, type Topology } from '../../src/topology/index.ts';
import { applyPlan, applyPrefix, emptyObserved, worldProblems } from './world-model.ts';

const topologyArb = fc
  .record({
    clusters: fc.integer({ min: 2, max: 5 }),
    pairs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 8 }),
    exports: fc.array(fc.tuple(fc.nat(), fc.constantFrom('api', 'web', 'db'), fc.nat()), { maxLength: 8 }),
  })
  .map(({ clusters, pairs, exports }): Topology => {
    const name = (i: number) => `cluster-0${(i % clusters) + 1}`;
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
    const yaml = [
      'apiVersion: meshpeer.dev/v1alpha1',
      'kind: PeeringTopology',
      'metadata: { name: generated }',
      'clusters:',
      ...Array.from({ length: clusters }, (_, i) => `  - name: ${name(i)}`),
      `peerings:${peerings.length === 0 ? ' []' : ''}`,
      ...peerings,
      `exports:${exportLines.length === 0 ? ' []' : ''}`,
      ...exportLines,
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
  | 'clear-exports';

function drift(observed: ObservedState, cluster: string, kind: Drift): ObservedState {
  const c = observed.clusters[cluster];
  if (!c?.reachable || !c.consul.reachable) return observed;
  const consul = c.consul;
  const changed: ObservedCluster = (() => {
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
    ),
  ),
  { maxLength: 3 },
);

describe('planner convergence (property)', () => {
  it('plans nothing but verification after its own effects, from any partial or drifted state', () => {
    fc.assert(
      fc.property(topologyArb, fc.nat(), driftArb, (t, cut, drifts) => {
        const empty = emptyObserved(t);
        const full = planFor(t, empty);
        const partial = applyPrefix(t, empty, full, cut % (full.steps.length + 1));
        const start = drifts.reduce((o, [i, kind]) => drift(o, `cluster-0${i}`, kind), partial);
        const plan = planFor(t, start);
        const world = applyPlan(t, start, plan);
        expect(worldProblems(t, world)).toEqual([]);
        const after = planFor(t, world);
        expect(after.steps.filter((s) => s.kind !== 'verify').map((s) => s.id)).toEqual([]);
        expect(after.converged).toBe(true);
      }),
      { numRuns: 300 },
    );
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
