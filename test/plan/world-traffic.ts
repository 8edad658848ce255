/**
 * The traffic part of the world model: what meshpeer's intentions, resolver and sameness-group
 * executors, with consul-k8s behind them, leave in an install's ServiceIntentions, ServiceResolvers
 * and SamenessGroups (refusals included: a conflicting source, a resolver with a redirect, removing
 * the last source of an object meshpeer did not create), and an oracle of what is still wrong.
 */
import type {
  IntentionsFacts,
  ObservedState,
  ResolverFacts,
  SamenessGroupFacts,
} from '../../src/observe/observed-state.ts';
import type { Step } from '../../src/plan/index.ts';
import type { ObjectParams } from '../../src/plan/step.ts';
import { samenessFields } from '../../src/resources/sameness-group-fields.ts';
import { mergeIntentions, sourcesOf } from '../../src/resources/service-intentions-merge.ts';
import { anySubsetFailover, sameFailover } from '../../src/resources/service-resolver-merge.ts';
import { destinationOf, sameDestination } from '../../src/resources/traffic-resources.ts';
import type { Topology } from '../../src/topology/index.ts';

/** An install's traffic resources, mutable for the model. */
export interface TrafficLists {
  intentions: IntentionsFacts[];
  resolvers: ResolverFacts[];
  samenessGroups: SamenessGroupFacts[];
}

const facts = (name: string, namespace: string, rv: string) => ({
  name,
  namespace,
  resourceVersion: rv,
  managed: true,
  synced: true,
  deleting: false,
});

/** Merges `wanted` into `current` (or creates it) as ensure-intentions.ts and the API server would. */
function mergeSources(
  w: TrafficLists,
  current: IntentionsFacts | undefined,
  wanted: ReturnType<typeof sourcesOf>,
  create: () => IntentionsFacts | undefined,
): void {
  if (current === undefined) {
    const made = wanted.length === 0 ? undefined : create();
    if (made !== undefined) w.intentions.push(made);
    return;
  }
  const merged = mergeIntentions(current.sources, current.owned, wanted);
  if (merged.conflicts.length > 0) return; // refused
  const others = w.intentions.filter((i) => i !== current);
  if (merged.sources.length === 0) {
    if (current.managed) w.intentions = others; // deleted; else refused
    return;
  }
  w.intentions = [...others, { ...current, sources: merged.sources, owned: merged.owned }];
}

function applyIntentions(w: TrafficLists, step: { readonly params: ObjectParams }, rv: () => string): void {
  const o = step.params.object;
  const dest = destinationOf(o);
  const current = w.intentions.find(
    (i) => !i.deleting && sameDestination({ name: i.destination, namespace: i.destinationNamespace }, dest),
  );
  mergeSources(w, current, sourcesOf(o), () => {
    const merged = mergeIntentions([], [], sourcesOf(o));
    return {
      ...facts(o.metadata.name, o.metadata.namespace, rv()),
      destination: dest.name,
      ...(dest.namespace !== undefined && { destinationNamespace: dest.namespace }),
      owned: merged.owned,
      sources: merged.sources,
    };
  });
}

function applyResolver(w: TrafficLists, step: { readonly params: ObjectParams }, rv: () => string): void {
  const o = step.params.object;
  const named = w.resolvers.filter((r) => r.name === o.metadata.name);
  const current = named.find((r) => r.namespace === o.metadata.namespace) ?? named[0];
  const failover = anySubsetFailover(o.spec);
  if (current === undefined) {
    w.resolvers.push({
      ...facts(o.metadata.name, o.metadata.namespace, rv()),
      ...(failover !== undefined && { failover }),
      ownsFailover: true,
      otherFields: false,
      redirect: false,
    });
    return;
  }
  if (current.redirect || sameFailover(current.failover, failover)) return;
  const updated = {
    ...current,
    ...(failover !== undefined && { failover }),
    ownsFailover: true,
    resourceVersion: rv(),
  };
  w.resolvers = w.resolvers.map((r) => (r === current ? updated : r));
}

function applySameness(w: TrafficLists, step: { readonly params: ObjectParams }, rv: () => string): void {
  const o = step.params.object;
  const current = w.samenessGroups.find((g) => g.name === o.metadata.name);
  const fields = samenessFields(o.spec);
  const updated = {
    ...(current ?? facts(o.metadata.name, o.metadata.namespace, '')),
    fields,
    resourceVersion: rv(),
  };
  w.samenessGroups = [...w.samenessGroups.filter((g) => g !== current), updated];
}

function applyPrunes(w: TrafficLists, step: Step): void {
  if (!('namespace' in step.params) || !('name' in step.params) || 'object' in step.params) return;
  const { namespace, name } = step.params;
  const is = (x: { namespace: string; name: string }) => x.namespace === namespace && x.name === name;
  if (step.kind === 'prune-intentions') mergeSources(w, w.intentions.find(is), [], () => undefined);
  if (step.kind === 'prune-sameness-group')
    w.samenessGroups = w.samenessGroups.filter((g) => !is(g) || !g.managed);
  if (step.kind !== 'prune-resolver') return;
  const r = w.resolvers.find(is);
  if (r === undefined) return;
  if (r.managed && !r.otherFields) w.resolvers = w.resolvers.filter((x) => x !== r);
  else if (r.ownsFailover) {
    const { failover: _gone, ...rest } = r;
    w.resolvers = w.resolvers.map((x) => (x === r ? { ...rest, ownsFailover: false } : x));
  }
}

/** Applies a traffic step to an install's lists; false for steps of other kinds. */
export function applyTrafficStep(w: TrafficLists, step: Step, rv: () => string): boolean {
  if (step.kind === 'intentions') applyIntentions(w, step, rv);
  else if (step.kind === 'resolver') applyResolver(w, step, rv);
  else if (step.kind === 'sameness-group') applySameness(w, step, rv);
  else if (
    step.kind === 'prune-intentions' ||
    step.kind === 'prune-resolver' ||
    step.kind === 'prune-sameness-group'
  )
    applyPrunes(w, step);
  else return false;
  return true;
}

/** What is still wrong with the declared traffic settings (an oracle independent of the planner). */
export function trafficProblems(t: Topology, observed: ObservedState): string[] {
  const problems: string[] = [];
  const at = (install: string) => {
    const c = observed.clusters[install];
    return c?.reachable ? c : undefined;
  };
  for (const e of t.intentions) {
    const live = at(e.install)?.intentions.find((i) => i.destination === e.destination);
    for (const s of e.sources) {
      const found = live?.sources.find((x) => x.peer === s.peer && x.name === s.service);
      if (found?.action !== s.action)
        problems.push(`${e.install}: intention ${s.peer}/${s.service}→${e.destination}`);
    }
  }
  for (const f of t.failover) {
    const live = at(f.install)?.resolvers.find((r) => r.name === f.service);
    const any = live?.failover as { targets?: Array<{ peer?: string }>; samenessGroup?: string } | undefined;
    const want = f.samenessGroup ?? f.targets.map((x) => x.peer).join();
    const have = any?.samenessGroup ?? (any?.targets ?? []).map((x) => x.peer).join();
    if (live === undefined || want !== have) problems.push(`${f.install}: failover of ${f.service}`);
  }
  for (const g of t.samenessGroups) {
    const live = at(g.install)?.samenessGroups.find((x) => x.name === g.name)?.fields;
    const members = g.members
      .map((m) => ('peer' in m ? `peer:${m.peer}` : `partition:${m.partition}`))
      .join();
    if (
      live?.defaultForFailover !== g.defaultForFailover ||
      live.includeLocal !== g.includeLocal ||
      live.members.join() !== members
    )
      problems.push(`${g.install}: sameness group ${g.name}`);
  }
  return problems;
}
