/**
 * The planner on topologies past the sizes of the examples: a star whose hub holds more objects
 * than findFirst searches directly, so the indexed lookups are the ones exercised.
 */
import { describe, expect, it } from 'vitest';
import { scaleTopology } from '../../bench/scale-topology.ts';
import type { ObservedState } from '../../src/observe/observed-state.ts';
import { findFirst } from '../../src/plan/find-first.ts';
import { planFor } from '../../src/plan/index.ts';
import { applyPlan, emptyObserved } from './world-model.ts';

const star = scaleTopology('star', 20, 3);

function converge(observed: ObservedState): ObservedState {
  let current = observed;
  for (let pass = 0; pass < 6; pass++) {
    const plan = planFor(star, current);
    if (plan.converged) return current;
    current = applyPlan(star, current, plan);
  }
  throw new Error('did not converge');
}

describe('planning a star of 20 clusters', () => {
  it('converges, and a converged hub plans only verification', () => {
    const converged = converge(emptyObserved(star));
    const plan = planFor(star, converged);
    expect(plan.steps.every((s) => s.kind === 'verify')).toBe(true);
    expect(plan.steps).toHaveLength(19);
  });

  it('finds the one acceptor missing among the hub’s 19 and plans only its re-creation', () => {
    const converged = converge(emptyObserved(star));
    const hub = converged.clusters['cluster-001'];
    if (!hub?.reachable) throw new Error('hub unreachable');
    const drifted: ObservedState = {
      clusters: {
        ...converged.clusters,
        'cluster-001': { ...hub, acceptors: hub.acceptors.filter((a) => a.name !== 'cluster-013') },
      },
    };
    const changes = planFor(star, drifted).steps.filter(
      (s) => s.kind !== 'verify' && s.kind !== 'helm-values-check',
    );
    expect(changes.map((s) => s.id)).toEqual([
      'acceptor/cluster-001/consul/cluster-013',
      'token-transfer/cluster-013/consul/peering-token-cluster-001-cluster-013',
    ]);
  });

  it('expects every spoke to import each service the hub exports to it', () => {
    const verify = planFor(star, emptyObserved(star)).steps.filter((s) => s.kind === 'verify');
    expect(verify).toHaveLength(19);
    for (const step of verify) {
      expect(step.params.dialerImports).toEqual(['svc-0', 'svc-1', 'svc-2']);
      expect(step.params.acceptorImports).toEqual([]);
    }
  });
});

describe('findFirst', () => {
  const byName = (x: { name: string }) => x.name;
  const byId = (x: { id: number }) => String(x.id);
  const long = Array.from({ length: 30 }, (_, i) => ({ name: `n${i % 20}`, id: i }));

  it('returns what Array.find returns, on short and long lists', () => {
    for (const list of [long.slice(0, 5), long])
      for (const key of ['n0', 'n3', 'n19', 'missing'])
        expect(findFirst(list, byName, key)).toBe(list.find((x) => x.name === key));
  });

  it('keeps one index per key function', () => {
    expect(findFirst(long, byName, 'n4')?.id).toBe(4);
    expect(findFirst(long, byId, '24')?.name).toBe('n4');
  });
});
