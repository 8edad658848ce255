/**
 * Plans the traffic steps of each install, the way exports are planned: `sameness-group` (a group
 * meshpeer declares: created and labelled, or an existing one adopted for its declared fields),
 * `intentions` (meshpeer's sources merged into the destination's one ServiceIntentions, others'
 * sources kept) and `resolver` (meshpeer's `failover['*']` in the service's ServiceResolver, its
 * other fields kept). A step is planned only when meshpeer's part differs from what is live.
 */
import type { IntentionsFacts, ObservedCluster } from '../observe/observed-state.ts';
import { samenessDiff, samenessFields } from '../resources/sameness-group-fields.ts';
import {
  type IntentionSourceEntry,
  mergeIntentions,
  sameIntentions,
  sourceKey,
} from '../resources/service-intentions-merge.ts';
import { sameFailover } from '../resources/service-resolver-merge.ts';
import {
  failoverOf,
  intentionSources,
  samenessGroupResource,
  serviceIntentionsResource,
  serviceResolverResource,
} from '../resources/traffic-resources.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { FailoverSpec, IntentionSpec, SamenessGroupSpec } from '../topology/topology.ts';
import type { PlanContext } from './plan-context.ts';
import type { Step } from './step.ts';
import { findIntentions, findResolver, findSamenessGroup } from './traffic-find.ts';
import { trafficPrunes } from './traffic-prune-steps.ts';
import { failoverText, othersKept, sourceLines } from './traffic-text.ts';

function intentionsStep(
  spec: ClusterSpec,
  observed: ObservedCluster,
  entry: IntentionSpec,
): Step | undefined {
  const current = findIntentions(observed, entry);
  const desired = intentionSources(entry);
  const merged = mergeIntentions(current?.sources ?? [], current?.owned ?? [], desired);
  const owned = current?.owned ?? [];
  const sameOwned = owned.length === merged.owned.length && owned.every((k, i) => k === merged.owned[i]);
  const clean = merged.conflicts.length === 0 && sameOwned;
  if (current !== undefined && clean && sameIntentions(merged.sources, current.sources)) return undefined;
  const base = serviceIntentionsResource(spec, entry, current?.namespace);
  const object = { ...base, metadata: { ...base.metadata, name: current?.name ?? base.metadata.name } };
  const mine = new Set(owned);
  const others = (current?.sources ?? []).filter((s) => !mine.has(sourceKey(s))).length;
  const name = object.metadata.name;
  const reason =
    current === undefined
      ? `ServiceIntentions for ${entry.destination} does not exist`
      : merged.conflicts.length > 0
        ? `ServiceIntentions ${name} has sources others wrote for ${merged.conflicts.join(', ')} with another action: apply refuses to overwrite them`
        : `meshpeer's sources in ServiceIntentions ${name} differ from the desired intentions${others > 0 ? ` (${othersKept(others)})` : ''}`;
  return {
    id: `intentions/${spec.name}/${entry.namespace ?? 'default'}/${entry.destination}`,
    kind: 'intentions',
    action: current === undefined ? 'create' : 'update',
    lane: spec.name,
    target: { kind: 'ServiceIntentions', namespace: object.metadata.namespace, name },
    reason,
    dependsOn: [],
    changes: [
      {
        path: "spec.sources (meshpeer's)",
        from: current === undefined ? null : sourceLines(ownedSources(current)),
        to: sourceLines(desired),
      },
    ],
    params: { object },
  };
}

const ownedSources = (current: IntentionsFacts): IntentionSourceEntry[] => {
  const mine = new Set(current.owned);
  return current.sources.filter((s) => mine.has(sourceKey(s)));
};

function resolverStep(spec: ClusterSpec, observed: ObservedCluster, entry: FailoverSpec): Step | undefined {
  const current = findResolver(spec, observed, entry);
  const desired = failoverOf(entry);
  if (current !== undefined && sameFailover(current.failover, desired)) return undefined;
  const object = serviceResolverResource(spec, entry, current?.namespace);
  const name = object.metadata.name;
  const reason =
    current === undefined
      ? `ServiceResolver ${name} does not exist`
      : current.redirect
        ? `ServiceResolver ${name} has a redirect: apply refuses to add a failover beside it (consul-k8s does not admit both)`
        : `ServiceResolver ${name} ${current.failover === undefined ? 'has no failover' : `fails over ${failoverText(current.failover)}`}, not ${failoverText(desired)}${current.otherFields ? ' (its other fields are kept)' : ''}`;
  return {
    id: `resolver/${spec.name}/${entry.namespace ?? 'default'}/${entry.service}`,
    kind: 'resolver',
    action: current === undefined ? 'create' : 'update',
    lane: spec.name,
    target: { kind: 'ServiceResolver', namespace: object.metadata.namespace, name },
    reason,
    dependsOn: [],
    changes: [
      {
        path: "spec.failover['*']",
        from: current?.failover === undefined ? null : failoverText(current.failover),
        to: failoverText(desired),
      },
    ],
    params: { object },
  };
}

function samenessStep(
  spec: ClusterSpec,
  observed: ObservedCluster,
  entry: SamenessGroupSpec,
): Step | undefined {
  const current = findSamenessGroup(observed, entry.name);
  const object = samenessGroupResource(entry, current !== undefined && !current.managed);
  const want = samenessFields(object.spec);
  const diff = current === undefined ? [] : samenessDiff(current.fields, want);
  if (current !== undefined && diff.length === 0) return undefined;
  const reason =
    current === undefined
      ? `SamenessGroup ${entry.name} does not exist`
      : current.managed
        ? `SamenessGroup ${entry.name} differs from the desired group in ${diff.join(', ')}`
        : `SamenessGroup ${entry.name}, created by someone else, differs in ${diff.join(', ')}: meshpeer writes only the declared fields and never prunes it`;
  return {
    id: `sameness-group/${spec.name}/${entry.name}`,
    kind: 'sameness-group',
    action: current === undefined ? 'create' : 'update',
    lane: spec.name,
    target: { kind: 'SamenessGroup', namespace: object.metadata.namespace, name: entry.name },
    reason,
    dependsOn: [],
    changes: (current === undefined ? ['defaultForFailover', 'includeLocal', 'members'] : diff).map((f) => ({
      path: `spec.${f}`,
      from: current === undefined ? null : current.fields[f as keyof typeof want],
      to: want[f as keyof typeof want],
    })),
    params: { object },
  };
}

function installSteps(ctx: PlanContext, spec: ClusterSpec, observed: ObservedCluster): Step[] {
  const t = ctx.topology;
  const mine = <T extends { install: string }>(list: readonly T[]) =>
    list.filter((x) => x.install === spec.name);
  const steps = [
    ...mine(t.samenessGroups).map((g) => samenessStep(spec, observed, g)),
    ...mine(t.intentions).map((i) => intentionsStep(spec, observed, i)),
    ...mine(t.failover).map((f) => resolverStep(spec, observed, f)),
  ].filter((s): s is Step => s !== undefined);
  return t.prune.enabled ? [...steps, ...trafficPrunes(ctx, spec, observed)] : steps;
}

/** Traffic steps (and their prunes, with pruning on) for every reachable install. */
export function trafficSteps(ctx: PlanContext): Step[] {
  return ctx.topology.clusters.flatMap((spec) => {
    const observed = ctx.reachable(spec.name);
    return observed === undefined ? [] : installSteps(ctx, spec, observed);
  });
}
