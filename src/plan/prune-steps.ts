/**
 * Plans deletions of peering resources that left the file: only resources labelled as managed by
 * meshpeer, never anything a person or another tool created. Exports are pruned entry by entry in
 * export-steps.ts, since an ExportedServices is shared with other teams.
 */
import type { ObservedCluster } from '../observe/observed-state.ts';
import type { PlanContext } from './plan-context.ts';
import type { Step } from './step.ts';

type PruneKind = 'prune-dialer' | 'prune-acceptor' | 'prune-token-secret';

function pruneStep(
  kind: PruneKind,
  cluster: string,
  objectKind: string,
  namespace: string,
  name: string,
  peering?: string,
): Step {
  return {
    id: `${kind}/${cluster}/${namespace}/${name}`,
    kind,
    action: 'delete',
    lane: cluster,
    ...(peering !== undefined && { peering }),
    target: { kind: objectKind, namespace, name },
    reason: `${objectKind} ${name} is managed by meshpeer but no longer in the desired state`,
    dependsOn: [],
    params: { namespace, name },
  };
}

const key = (cluster: string, ns: string, name: string) => `${cluster}/${ns}/${name}`;

/** Everything desired, keyed by cluster/namespace/name, built once for all clusters. */
function desiredSets(ctx: PlanContext) {
  const acceptors = new Set<string>();
  const dialers = new Set<string>();
  const secrets = new Set<string>();
  for (const p of ctx.topology.peerings) {
    acceptors.add(key(p.acceptor.install, p.tokenSecret.acceptorNamespace, p.dialer.peerName));
    dialers.add(key(p.dialer.install, p.tokenSecret.dialerNamespace, p.acceptor.peerName));
    secrets.add(key(p.dialer.install, p.tokenSecret.dialerNamespace, p.tokenSecret.name));
  }
  return { acceptors, dialers, secrets };
}

type Desired = ReturnType<typeof desiredSets>;

function clusterPrunes(name: string, observed: ObservedCluster, want: Desired): Step[] {
  const has = (set: Set<string>, x: { namespace: string; name: string }) =>
    set.has(key(name, x.namespace, x.name));
  const steps: Step[] = [];
  for (const d of observed.dialers) {
    if (d.managed && !d.deleting && !has(want.dialers, d))
      steps.push(pruneStep('prune-dialer', name, 'PeeringDialer', d.namespace, d.name, d.peering));
  }
  for (const a of observed.acceptors) {
    if (a.managed && !a.deleting && !has(want.acceptors, a))
      steps.push(pruneStep('prune-acceptor', name, 'PeeringAcceptor', a.namespace, a.name, a.peering));
  }
  // Only copies meshpeer made carry the managed label; the acceptor's own Secret goes with its acceptor.
  for (const s of observed.tokenSecrets) {
    if (s.managed && !has(want.secrets, s))
      steps.push(pruneStep('prune-token-secret', name, 'Secret', s.namespace, s.name));
  }
  return steps;
}

/** Prune steps for every reachable cluster (none when pruning is disabled). */
export function pruneSteps(ctx: PlanContext): Step[] {
  if (!ctx.topology.prune.enabled) return [];
  const want = desiredSets(ctx);
  return ctx.topology.clusters.flatMap((c) => {
    const observed = ctx.reachable(c.name);
    return observed === undefined ? [] : clusterPrunes(c.name, observed, want);
  });
}
