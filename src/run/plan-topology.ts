/** Observe every cluster of a topology and plan: the read-only half of a reconcile. */

import type { ClusterClient } from '../kube/cluster-client.ts';
import { observeAll } from '../observe/index.ts';
import type { ObservedState } from '../observe/observed-state.ts';
import { type Plan, planFor } from '../plan/index.ts';
import type { Topology } from '../topology/index.ts';

/** A plan with the snapshot it was computed from. */
export interface PlannedTopology {
  readonly plan: Plan;
  readonly observed: ObservedState;
  readonly observeMs: number;
}

/** Observes (read-only, in parallel) and plans. */
export async function planTopology(
  topology: Topology,
  clients: (cluster: string) => ClusterClient,
  options: {
    timeoutMs?: number;
    /** Called as each cluster finishes; `error` says why a cluster is unreachable. */
    onCluster?: (cluster: string, ok: boolean, ms: number, error?: string) => void;
    /** An exported service missing from its partition's catalog is an error (`--strict`). */
    strict?: boolean;
  } = {},
): Promise<PlannedTopology> {
  const started = Date.now();
  const { strict, ...observeOptions } = options;
  const observed = await observeAll(topology, { reader: clients, ...observeOptions });
  const plan = planFor(topology, observed, { strict: strict === true });
  return { plan, observed, observeMs: Date.now() - started };
}
