/**
 * The planner: (topology, observed) → Plan. Pure: no I/O, no clock, no randomness; the same inputs
 * give the same plan and the same hash.
 */
import { createHash } from 'node:crypto';
import type { ObservedCluster, ObservedState } from '../observe/observed-state.ts';
import type { Topology } from '../topology/index.ts';
import { blockForCatalog, catalogErrors, catalogFindings, catalogWarnings } from './export-catalog-checks.ts';
import { exportSteps } from './export-steps.ts';
import type { InstallNeeds } from './install-needs.ts';
import { meshAndAclSteps } from './mesh-steps.ts';
import { orderSteps } from './order-steps.ts';
import { peeringSteps } from './peering-steps.ts';
import { PLAN_FORMAT_VERSION, type Plan, type PlanError, type PlanNote } from './plan.ts';
import { createPlanContext, type PlanContext } from './plan-context.ts';
import { planEdges, summarize } from './plan-summary.ts';
import { clusterPreconditions, installNotes } from './preconditions.ts';
import { pruneSteps } from './prune-steps.ts';
import type { Step } from './step.ts';
import { linkTraffic } from './traffic-links.ts';
import { trafficSteps } from './traffic-steps.ts';
import { verifySteps } from './verify-steps.ts';

/** Installs that peer, export or hold traffic settings, and the cluster installs whose servers and Mesh they use. */
function participating(t: Topology): Set<string> {
  const direct = [
    ...t.peerings.flatMap((p) => [p.acceptor.install, p.dialer.install]),
    ...[...t.exports, ...t.intentions, ...t.failover, ...t.samenessGroups].map((e) => e.install),
  ];
  const servers = t.clusters
    .filter((c) => c.server !== undefined && direct.includes(c.name))
    .map((c) => c.server ?? '');
  return new Set([...direct, ...servers]);
}

/** What each install's part of the topology needs of it beyond the runbook's values. */
export function installNeeds(t: Topology, install: string): InstallNeeds {
  const spec = t.clusters.find((c) => c.name === install);
  const here = <T extends { install: string }>(list: readonly T[]) =>
    list.filter((x) => x.install === install);
  const partitioned = spec !== undefined && (spec.partitions.length > 1 || spec.partition !== 'default');
  const namespaces =
    here(t.exports).some((e) => e.services.some((s) => s.namespace !== undefined)) ||
    here(t.intentions).some(
      (i) => i.namespace !== undefined || i.sources.some((s) => s.namespace !== undefined),
    ) ||
    here(t.failover).some((f) => f.namespace !== undefined);
  return {
    ...(partitioned && { partition: spec.partition }),
    externalServers: spec?.server !== undefined,
    namespaces,
    ...(here(t.samenessGroups).length > 0 && { samenessGroups: true }),
  };
}

function clusterErrors(ctx: PlanContext): PlanError[] {
  const taking = participating(ctx.topology);
  return ctx.topology.clusters.flatMap((c): PlanError[] => {
    const entry = ctx.observed.clusters[c.name];
    if (entry === undefined || !entry.reachable) {
      const why = entry === undefined ? 'not observed' : entry.error;
      return [
        {
          id: `unreachable/${c.name}`,
          code: 'unreachable',
          cluster: c.name,
          message: `cluster ${c.name} is unreachable: ${why}`,
          fix: `check kube context "${c.context}"${c.kubeconfig ? ` in ${c.kubeconfig}` : ''} (kubectl --context ${c.context} get ns)`,
        },
      ];
    }
    return taking.has(c.name)
      ? clusterPreconditions(c, entry, ctx.topology, installNeeds(ctx.topology, c.name))
      : [];
  });
}

function planNotes(ctx: PlanContext): PlanNote[] {
  return ctx.topology.clusters.flatMap((c) => {
    const observed = ctx.reachable(c.name);
    return observed === undefined
      ? []
      : [...installNotes(observed), ...consulEntryNotes(observed)].map((message) => ({
          cluster: c.name,
          message,
        }));
  });
}

/** A Consul entry meshpeer could not read beside its resource: that check is off, not passed. */
function consulEntryNotes(observed: ObservedCluster): string[] {
  const entry = observed.consul.reachable ? observed.consul.exportEntry : undefined;
  if (entry === undefined || !('unreadable' in entry)) return [];
  return [
    `Consul's exported-services entry ${entry.name} could not be read (${entry.unreadable}), so an entry changed in Consul behind consul-k8s goes unnoticed: grant mesh:read to meshpeer's token`,
  ];
}

function helmChecks(ctx: PlanContext, steps: readonly Step[]): Step[] {
  const lanes = [...new Set(steps.map((s) => s.lane))].filter((l) => l !== 'verify').sort();
  return lanes.map((lane): Step => {
    const spec = ctx.cluster(lane);
    return {
      id: `helm-values-check/${lane}/${spec.consul.release}`,
      kind: 'helm-values-check',
      action: 'check',
      lane,
      target: { kind: 'HelmRelease', namespace: spec.consul.namespace, name: spec.consul.release },
      reason: 'changes follow: re-check peering, TLS, mesh gateway and connect-inject values first',
      dependsOn: [],
      params: {
        release: spec.consul.release,
        namespace: spec.consul.namespace,
        needs: installNeeds(ctx.topology, lane),
      },
    };
  });
}

/** Refuses a plan that would prune every peering unless the topology opts in. */
function pruneAllGuard(ctx: PlanContext, steps: readonly Step[]): PlanError[] {
  const prunesPeerings = steps.some((s) => s.kind === 'prune-acceptor' || s.kind === 'prune-dialer');
  if (!prunesPeerings || ctx.topology.peerings.length > 0 || ctx.topology.prune.allowAll) return [];
  return [
    {
      id: 'prune-all',
      code: 'prune_all_refused',
      message: 'this plan would delete every peering meshpeer manages',
      fix: 'if that is intended, set prune.allowAll: true in peerings.yaml; otherwise restore the peerings',
    },
  ];
}

/** Errors that block single steps (marked by their check) rather than an install's whole lane. */
const stepErrors = new Set<PlanError['code']>(['export_service_missing']);

/**
 * The error that blocks each install's lane. A partition install runs no Consul servers: its
 * datacenter's servers serve it, so whatever blocks the server install (peering off on the
 * servers, an API meshpeer cannot reach) blocks the partition installs it serves as well.
 */
function laneBlocks(t: Topology, errors: readonly PlanError[]): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const e of errors)
    if (e.cluster !== undefined && !stepErrors.has(e.code) && !blocks.has(e.cluster))
      blocks.set(e.cluster, e.id);
  for (const c of t.clusters) {
    const serverBlock = c.server === undefined ? undefined : blocks.get(c.server);
    if (serverBlock !== undefined && !blocks.has(c.name)) blocks.set(c.name, serverBlock);
  }
  return blocks;
}

function planHash(steps: readonly Step[], errors: readonly PlanError[]): string {
  // Params are built by meshpeer's own builders in a fixed key order, so plain JSON is canonical.
  const material = JSON.stringify({
    steps: steps.map((s) => [s.id, s.action, s.params, s.blockedBy ?? null]),
    errors: errors.map((e) => e.id),
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

/** How to plan. */
export interface PlanOptions {
  /** An exported service missing from its partition's catalog is an error, not a warning. */
  readonly strict?: boolean;
}

/** Computes the plan that takes the observed clusters to the topology. */
export function planFor(topology: Topology, observed: ObservedState, options: PlanOptions = {}): Plan {
  const strict = options.strict === true;
  const ctx = createPlanContext(topology, observed);
  const findings = catalogFindings(ctx);
  const errors = [...clusterErrors(ctx), ...catalogErrors(findings, strict)];
  const changes = linkTraffic(topology, [
    ...meshAndAclSteps(ctx),
    ...peeringSteps(ctx),
    ...exportSteps(ctx),
    ...trafficSteps(ctx),
    ...pruneSteps(ctx),
  ]);
  const guard = pruneAllGuard(ctx, changes);
  const guarded =
    guard.length > 0
      ? changes.map((s) => (s.kind.startsWith('prune-') ? { ...s, blockedBy: 'prune-all' } : s))
      : changes;
  const verify = verifySteps(topology);
  const blocks = laneBlocks(topology, errors);
  const byPeering = new Map(topology.peerings.map((p) => [p.id, [p.acceptor.install, p.dialer.install]]));
  const candidates = [...helmChecks(ctx, guarded), ...guarded, ...verify];
  const steps = orderSteps(
    strict ? blockForCatalog(candidates, findings) : candidates,
    blocks,
    (s) => byPeering.get(s.peering ?? '') ?? [],
  );
  const allErrors = [...errors, ...guard];
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    topology: topology.name,
    clusters: topology.clusters.map((c) => c.name),
    hash: planHash(steps, allErrors),
    steps,
    errors: allErrors,
    notes: planNotes(ctx),
    warnings: catalogWarnings(findings, strict),
    edges: planEdges(topology, steps),
    summary: summarize(steps),
    converged: allErrors.length === 0 && steps.every((s) => s.kind === 'verify'),
  };
}
