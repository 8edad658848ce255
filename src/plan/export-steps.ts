/**
 * Plans `export` steps: meshpeer's entries in the one ExportedServices per cluster and partition,
 * merged with entries it does not own (another team's exports survive), and `prune-export` when an
 * ExportedServices meshpeer created is left with nothing in it.
 */

import type { ExportFacts, ObservedCluster } from '../observe/observed-state.ts';
import { exportedServicesName, exportedServicesResource } from '../resources/consul-resources.ts';
import {
  exportEntryKeys,
  exportsMissingInConsul,
  mergeExports,
  sameExports,
} from '../resources/exported-services-merge.ts';
import type { ClusterSpec, ExportSpec } from '../topology/index.ts';
import type { PlanContext } from './plan-context.ts';
import type { Step } from './step.ts';

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** `service→consumer` lines for the plan, sorted. */
const entryLines = (keys: readonly string[]) => keys.map((k) => k.replace(/^\//, '').replace('>', '→'));

function exportStep(
  spec: ClusterSpec,
  name: string,
  current: ExportFacts | undefined,
  entry: ExportSpec,
): Step | undefined {
  const merged = mergeExports(current?.services ?? [], current?.owned ?? [], entry.services);
  if (
    current !== undefined &&
    sameExports(merged.services, current.services) &&
    sameList(merged.owned, current.owned)
  )
    return undefined;
  const namespace = current?.namespace ?? spec.consul.namespace;
  const was = new Set(current?.owned ?? []);
  const now = new Set(merged.owned);
  const others =
    current === undefined ? 0 : exportEntryKeys(current.services).filter((k) => !was.has(k)).length;
  return {
    id: `export/${spec.name}/${name}`,
    kind: 'export',
    action: current === undefined ? 'create' : 'update',
    lane: spec.name,
    target: { kind: 'ExportedServices', namespace, name },
    reason:
      current === undefined
        ? `ExportedServices ${name} does not exist`
        : `meshpeer's entries in ExportedServices ${name} differ from the desired exports${others > 0 ? ` (${others} entries of others are kept)` : ''}`,
    dependsOn: [],
    changes: [
      {
        path: "spec.services (meshpeer's entries)",
        from: current === undefined ? null : entryLines([...was].sort()),
        to: entryLines([...now].sort()),
      },
    ],
    params: { object: exportedServicesResource(spec, entry, namespace) },
  };
}

/**
 * An ExportedServices as desired and Synced whose entries Consul's own entry lacks (edited or
 * deleted in Consul): consul-k8s re-syncs a resource only when it changes (its controllers keep
 * controller-runtime's 10-hour resync), so the step makes it reconcile again.
 */
function consulDriftStep(
  spec: ClusterSpec,
  current: ExportFacts,
  observed: ObservedCluster,
  entry: ExportSpec,
): Step | undefined {
  const inConsul = observed.consul.reachable ? observed.consul.exportEntry : undefined;
  if (current.synced !== true || inConsul === undefined || inConsul.name !== current.name) return undefined;
  if (!('keys' in inConsul)) return undefined;
  const missing = exportsMissingInConsul(current.owned, inConsul.keys);
  if (missing.length === 0) return undefined;
  return {
    id: `export/${spec.name}/${current.name}`,
    kind: 'export',
    action: 'update',
    lane: spec.name,
    target: { kind: 'ExportedServices', namespace: current.namespace, name: current.name },
    reason: `ExportedServices ${current.name} is as desired and Synced, but Consul's exported-services entry lacks ${missing.length} of meshpeer's entries (changed in Consul behind consul-k8s, which re-syncs a resource only when it changes)`,
    dependsOn: [],
    changes: [
      {
        path: "Consul exported-services entry (meshpeer's entries)",
        from: entryLines(current.owned.filter((k) => !missing.includes(k))),
        to: entryLines(current.owned),
      },
    ],
    params: { object: exportedServicesResource(spec, entry, current.namespace) },
  };
}

/** Entries meshpeer owns in a place it no longer exports from: remove them, or the whole object. */
function leftover(spec: ClusterSpec, current: ExportFacts): Step | undefined {
  if (current.owned.length === 0 || current.deleting) return undefined;
  const merged = mergeExports(current.services, current.owned, []);
  if (merged.services.length === 0 && current.managed) {
    return {
      id: `prune-export/${spec.name}/${current.namespace}/${current.name}`,
      kind: 'prune-export',
      action: 'delete',
      lane: spec.name,
      target: { kind: 'ExportedServices', namespace: current.namespace, name: current.name },
      reason: `ExportedServices ${current.name} is managed by meshpeer but no longer in the desired state`,
      dependsOn: [],
      params: { namespace: current.namespace, name: current.name },
    };
  }
  return exportStep(spec, current.name, current, {
    cluster: spec.cluster,
    partition: spec.partition,
    install: spec.name,
    services: [],
  });
}

function placeSteps(ctx: PlanContext, spec: ClusterSpec, observed: ObservedCluster): Step[] {
  const desired = ctx.topology.exports.filter((e) => e.install === spec.name);
  const names = new Set<string>();
  const steps: Step[] = [];
  for (const entry of desired) {
    const name = exportedServicesName(spec, entry.partition);
    names.add(name);
    const current = observed.exports.find((e) => e.name === name && !e.deleting);
    const step =
      exportStep(spec, name, current, entry) ??
      (current === undefined ? undefined : consulDriftStep(spec, current, observed, entry));
    if (step !== undefined) steps.push(step);
  }
  if (!ctx.topology.prune.enabled) return steps;
  for (const current of observed.exports) {
    if (names.has(current.name)) continue;
    const step = leftover(spec, current);
    if (step !== undefined) steps.push(step);
  }
  return steps;
}

/** Export and prune-export steps for every reachable cluster. */
export function exportSteps(ctx: PlanContext): Step[] {
  return ctx.topology.clusters.flatMap((spec) => {
    const observed = ctx.reachable(spec.name);
    return observed === undefined ? [] : placeSteps(ctx, spec, observed);
  });
}
