/** Counts for the summary line and the peering edges for the topology graph. */
import { placeLabel, type Topology } from '../topology/index.ts';
import type { PlanEdge, PlanSummary } from './plan.ts';
import type { Step } from './step.ts';

/** Counts steps the way `terraform plan` does: to add, change, destroy, plus verify and blocked. */
export function summarize(steps: readonly Step[]): PlanSummary {
  const count = (f: (s: Step) => boolean) => steps.filter(f).length;
  return {
    add: count((s) => s.action === 'create' || s.action === 'copy'),
    change: count((s) => s.action === 'update' || s.action === 'rotate' || s.action === 'repair'),
    destroy: count((s) => s.action === 'delete'),
    verify: count((s) => s.action === 'verify'),
    blocked: count((s) => s.blockedBy !== undefined),
  };
}

/** Desired peerings as edges marked added, changed, blocked or unchanged, plus pruned ones as removed. */
export function planEdges(t: Topology, steps: readonly Step[]): PlanEdge[] {
  const byPeering = new Map<string, Step[]>();
  for (const s of steps)
    if (s.peering !== undefined) byPeering.set(s.peering, [...(byPeering.get(s.peering) ?? []), s]);
  const edges: PlanEdge[] = t.peerings.map((p) => {
    const mine = byPeering.get(p.id) ?? [];
    const created = mine.some((s) => s.kind === 'acceptor' && s.action === 'create');
    const blocked = mine.some((s) => s.blockedBy !== undefined);
    const changed = mine.some((s) => s.kind !== 'verify');
    const status = blocked ? 'blocked' : created ? 'added' : changed ? 'changed' : 'unchanged';
    return {
      id: p.id,
      acceptor: placeLabel(p.acceptor.cluster, p.acceptor.partition),
      dialer: placeLabel(p.dialer.cluster, p.dialer.partition),
      status,
    };
  });
  const removed = new Set(
    steps
      .filter((s) => s.kind === 'prune-acceptor' || s.kind === 'prune-dialer')
      .map((s) => s.peering)
      .filter((p): p is string => p !== undefined),
  );
  for (const id of [...removed].sort()) {
    const [a = '', d = ''] = id.split('>');
    edges.push({
      id,
      acceptor: a.replace(/\/default$/, ''),
      dialer: d.replace(/\/default$/, ''),
      status: 'removed',
    });
  }
  return edges;
}
