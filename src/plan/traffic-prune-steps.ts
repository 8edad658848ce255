/**
 * Plans the removal of meshpeer's traffic settings that left the file (only with pruning on):
 * meshpeer's sources of a ServiceIntentions whose destination is no longer declared, meshpeer's
 * `failover['*']` of a ServiceResolver whose service is no longer declared, and SamenessGroups
 * meshpeer created. A resource is deleted only when meshpeer created it (managed label) and nothing
 * of others is left in it; otherwise only meshpeer's part goes, and what others wrote survives.
 * An adopted SamenessGroup (unlabelled) is never pruned: its earlier values are not meshpeer's to restore.
 */
import type {
  IntentionsFacts,
  ObservedCluster,
  ResolverFacts,
  SamenessGroupFacts,
} from '../observe/observed-state.ts';
import { mergeIntentions, sourceKey } from '../resources/service-intentions-merge.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { PlanContext } from './plan-context.ts';
import type { FieldChange, Step } from './step.ts';
import { findIntentions, findResolver } from './traffic-find.ts';
import { failoverText, othersKept, sourceLines } from './traffic-text.ts';

type PruneKind = 'prune-intentions' | 'prune-resolver' | 'prune-sameness-group';

function prune(
  kind: PruneKind,
  lane: string,
  target: { kind: string; namespace: string; name: string },
  whole: boolean,
  reason: string,
  changes?: FieldChange[],
): Step {
  return {
    id: `${kind}/${lane}/${target.namespace}/${target.name}`,
    kind,
    action: whole ? 'delete' : 'update',
    lane,
    target,
    reason,
    dependsOn: [],
    ...(changes !== undefined && { changes }),
    params: { namespace: target.namespace, name: target.name },
  };
}

function intentionsPrune(lane: string, i: IntentionsFacts): Step | undefined {
  if (i.owned.length === 0) return undefined;
  const left = mergeIntentions(i.sources, i.owned, []).sources;
  const whole = left.length === 0 && i.managed;
  const target = { kind: 'ServiceIntentions', namespace: i.namespace, name: i.name };
  if (whole)
    return prune(
      'prune-intentions',
      lane,
      target,
      true,
      `ServiceIntentions ${i.name} is managed by meshpeer but its destination ${i.destination} is no longer in the desired state`,
    );
  const mine = new Set(i.owned);
  const owned = i.sources.filter((s) => mine.has(sourceKey(s)));
  const reason =
    left.length === 0
      ? `meshpeer's sources in ServiceIntentions ${i.name} are no longer desired, but removing them would leave it with none and meshpeer did not create it: apply refuses`
      : `meshpeer's sources in ServiceIntentions ${i.name} are no longer in the desired state (${othersKept(left.length)})`;
  return prune('prune-intentions', lane, target, false, reason, [
    { path: "spec.sources (meshpeer's)", from: sourceLines(owned), to: [] },
  ]);
}

function resolverPrune(lane: string, r: ResolverFacts): Step | undefined {
  const target = { kind: 'ServiceResolver', namespace: r.namespace, name: r.name };
  if (r.managed && !r.otherFields)
    return prune(
      'prune-resolver',
      lane,
      target,
      true,
      `ServiceResolver ${r.name} is managed by meshpeer but its failover is no longer in the desired state`,
    );
  if (!r.ownsFailover || r.failover === undefined) return undefined;
  return prune(
    'prune-resolver',
    lane,
    target,
    false,
    `meshpeer's failover in ServiceResolver ${r.name} is no longer in the desired state (its other fields are kept)`,
    [{ path: "spec.failover['*']", from: failoverText(r.failover), to: null }],
  );
}

function samenessPrune(lane: string, g: SamenessGroupFacts): Step | undefined {
  if (!g.managed) return undefined;
  return prune(
    'prune-sameness-group',
    lane,
    { kind: 'SamenessGroup', namespace: g.namespace, name: g.name },
    true,
    `SamenessGroup ${g.name} is managed by meshpeer but no longer in the desired state`,
  );
}

/** Prune steps for one reachable install's traffic resources that no declared setting refers to. */
export function trafficPrunes(ctx: PlanContext, spec: ClusterSpec, observed: ObservedCluster): Step[] {
  const t = ctx.topology;
  const here = <T extends { install: string }>(list: readonly T[]) =>
    list.filter((x) => x.install === spec.name);
  const keptIntentions = new Set(here(t.intentions).map((e) => findIntentions(observed, e)));
  const keptResolvers = new Set(here(t.failover).map((e) => findResolver(spec, observed, e)));
  const groups = new Set(here(t.samenessGroups).map((g) => g.name));
  const live = <T extends { deleting: boolean }>(list: readonly T[], kept: (x: T) => boolean) =>
    list.filter((x) => !x.deleting && !kept(x));
  return [
    ...live(observed.intentions, (i) => keptIntentions.has(i)).map((i) => intentionsPrune(spec.name, i)),
    ...live(observed.resolvers, (r) => keptResolvers.has(r)).map((r) => resolverPrune(spec.name, r)),
    ...live(observed.samenessGroups, (g) => groups.has(g.name)).map((g) => samenessPrune(spec.name, g)),
  ].filter((s): s is Step => s !== undefined);
}
