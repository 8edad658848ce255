/** What every step generator needs: the topology, the snapshot, and quick lookups into both. */
import type { ObservedCluster, ObservedState } from '../observe/observed-state.ts';
import type { ClusterSpec, Topology } from '../topology/index.ts';

/** Read-only inputs of one planning pass. */
export interface PlanContext {
  readonly topology: Topology;
  readonly observed: ObservedState;
  readonly cluster: (name: string) => ClusterSpec;
  /** The observed cluster, or undefined when it could not be observed. */
  readonly reachable: (name: string) => ObservedCluster | undefined;
}

/** Builds the context; every cluster of the topology must have an entry in `observed`. */
export function createPlanContext(topology: Topology, observed: ObservedState): PlanContext {
  const specs = new Map(topology.clusters.map((c) => [c.name, c]));
  return {
    topology,
    observed,
    cluster(name) {
      const spec = specs.get(name);
      if (spec === undefined) throw new Error(`cluster ${name} is not in the topology`);
      return spec;
    },
    reachable(name) {
      const entry = observed.clusters[name];
      return entry?.reachable === true ? entry : undefined;
    },
  };
}

/** JSON with sorted keys, for hashing and comparing. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}
