/**
 * Plans the `mesh-gateway` step (the Mesh and ProxyDefaults singletons) and the `acl` repair step
 * per cluster. consul-k8s admits one Mesh and one ProxyDefaults per Kubernetes cluster, in any
 * namespace (mesh_webhook.go, proxydefaults_webhook.go): an existing one is adopted where it lives
 * and only meshpeer's fields are compared and written. ProxyDefaults is left alone unless
 * peerings.yaml declares a mode (Consul's own default is remote).
 */

import type { ObservedCluster, ResourceFacts } from '../observe/observed-state.ts';
import { type KubeObject, meshResource, proxyDefaultsResource } from '../resources/consul-resources.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { PlanContext } from './plan-context.ts';
import type { FieldChange, Step } from './step.ts';

/**
 * The mesh gateway mode each peered cluster's peerings declare (validation guarantees they agree),
 * from its first peering that declares one; one pass over the peerings instead of a search per cluster.
 */
export function clusterModes(ctx: PlanContext): ReadonlyMap<string, 'local' | 'remote'> {
  const modes = new Map<string, 'local' | 'remote'>();
  for (const p of ctx.topology.peerings)
    for (const cluster of [p.acceptor.install, p.dialer.install])
      if (!modes.has(cluster) && p.meshGatewayMode !== undefined) modes.set(cluster, p.meshGatewayMode);
  return modes;
}

/** Installs that take part in at least one peering. */
function peered(ctx: PlanContext): ReadonlySet<string> {
  return new Set(ctx.topology.peerings.flatMap((p) => [p.acceptor.install, p.dialer.install]));
}

/**
 * The installs whose Mesh carries the peering setting: Consul honours `peerThroughMeshGateways`
 * only in the default partition, where the servers are, so a peered partition install needs it on
 * its cluster's own install.
 */
function meshInstalls(ctx: PlanContext, taking: ReadonlySet<string>): ReadonlySet<string> {
  return new Set([...taking].map((name) => ctx.cluster(name).server ?? name));
}

/** An adopted singleton is written where it lives; a new one goes to the Consul namespace. */
const placeOf = (spec: ClusterSpec, current: ResourceFacts | undefined) =>
  current !== undefined && !current.deleting ? current.namespace : spec.consul.namespace;

/** One singleton to write: meshpeer's fields, why, and the field change to show. */
interface SingletonChange {
  readonly object: KubeObject;
  readonly reason: string;
  readonly change: FieldChange;
}

/**
 * A Mesh as desired and Synced whose setting Consul does not have in effect (its entry edited or
 * deleted in Consul; consul-k8s re-syncs a resource only when it changes). Known where Consul's
 * entry is read: an acceptor install peering through mesh gateways, which keeps its own Mesh.
 */
function consulMeshDrift(spec: ClusterSpec, observed: ObservedCluster): SingletonChange | undefined {
  const current = observed.mesh;
  const inConsul = observed.consul.reachable ? observed.consul.peeringAddresses : undefined;
  if (current?.synced !== true || inConsul === undefined) return undefined;
  if (inConsul.throughGateways === spec.peerThroughMeshGateways) return undefined;
  return {
    object: meshResource(spec, current.namespace),
    reason: `Mesh mesh is as desired and Synced, but Consul's mesh entry has peerThroughMeshGateways=${inConsul.throughGateways} (changed in Consul behind consul-k8s, which re-syncs a resource only when it changes)`,
    change: {
      path: "Consul mesh entry's Peering.PeerThroughMeshGateways",
      from: inConsul.throughGateways,
      to: spec.peerThroughMeshGateways,
    },
  };
}

function meshChange(spec: ClusterSpec, observed: ObservedCluster): SingletonChange | undefined {
  const current = observed.mesh;
  const wrong =
    current === undefined ||
    current.deleting ||
    current.peerThroughMeshGateways !== spec.peerThroughMeshGateways;
  if (!wrong) return consulMeshDrift(spec, observed);
  return {
    object: meshResource(spec, placeOf(spec, current)),
    reason:
      current === undefined
        ? 'Mesh mesh does not exist'
        : `Mesh mesh in namespace ${current.namespace} has peerThroughMeshGateways=${current.peerThroughMeshGateways}`,
    change: {
      path: 'Mesh/mesh.spec.peering.peerThroughMeshGateways',
      from: current?.peerThroughMeshGateways ?? null,
      to: spec.peerThroughMeshGateways,
    },
  };
}

function proxyChange(
  spec: ClusterSpec,
  observed: ObservedCluster,
  mode: 'local' | 'remote' | undefined,
): SingletonChange | undefined {
  const current = observed.proxyDefaults;
  if (mode === undefined) return undefined;
  if (current !== undefined && !current.deleting && current.meshGatewayMode === mode) return undefined;
  return {
    object: proxyDefaultsResource(spec, mode, placeOf(spec, current)),
    reason:
      current === undefined
        ? 'ProxyDefaults global does not exist'
        : `ProxyDefaults global uses mesh gateway mode "${current.meshGatewayMode || '(unset: remote)'}"`,
    change: {
      path: 'ProxyDefaults/global.spec.meshGateway.mode',
      from: current?.meshGatewayMode || null,
      to: mode,
    },
  };
}

function meshStep(
  spec: ClusterSpec,
  observed: ObservedCluster,
  mode: 'local' | 'remote' | undefined,
  carriesMesh: boolean,
): Step | undefined {
  const mesh = carriesMesh ? meshChange(spec, observed) : undefined;
  const proxy = proxyChange(spec, observed, mode);
  if (mesh === undefined && proxy === undefined) return undefined;
  const creating = [mesh, proxy].every((c) => c === undefined || c.change.from === null);
  const wants = [
    ...(carriesMesh ? [`peerThroughMeshGateways=${spec.peerThroughMeshGateways}`] : []),
    ...(mode === undefined ? [] : [`gateways in ${mode} mode`]),
  ];
  return {
    id: `mesh-gateway/${spec.name}/mesh`,
    kind: 'mesh-gateway',
    action: creating ? 'create' : 'update',
    lane: spec.name,
    target: {
      kind: proxy === undefined ? 'Mesh' : mesh === undefined ? 'ProxyDefaults' : 'Mesh+ProxyDefaults',
      namespace: (mesh ?? proxy)?.object.metadata.namespace ?? spec.consul.namespace,
      name: proxy === undefined ? 'mesh' : mesh === undefined ? 'global' : 'mesh,global',
    },
    reason: `${[mesh?.reason, proxy?.reason].filter(Boolean).join('; ')}: peering needs ${wants.join(' and ')}`,
    dependsOn: [],
    changes: [mesh?.change, proxy?.change].filter((c): c is FieldChange => c !== undefined),
    params: { ...(mesh && { mesh: mesh.object }), ...(proxy && { proxyDefaults: proxy.object }) },
  };
}

function aclStep(ctx: PlanContext, spec: ClusterSpec, observed: ObservedCluster): Step | undefined {
  const acl = observed.consul.reachable ? observed.consul.acl : undefined;
  const source = acl?.meshGateway;
  if (!ctx.topology.acls.enabled || source === undefined || source.via === 'none') return undefined;
  const held = acl?.meshGatewayPermissions ?? [];
  const missing = ctx.topology.acls.meshGatewayRequires.filter((p) => !held.includes(p));
  if (missing.length === 0) return undefined;
  const target =
    source.via === 'role'
      ? { kind: 'ACLRole', namespace: spec.consul.namespace, name: source.role }
      : { kind: 'ACLToken', namespace: spec.consul.namespace, name: source.secret };
  return {
    id: `acl/${spec.name}/mesh-gateway`,
    kind: 'acl',
    action: 'repair',
    lane: spec.name,
    target,
    reason: `the mesh gateways' ${source.via === 'role' ? `role ${source.role}` : 'token'} lacks ${missing.join(', ')}: without peering:read gateways never build peering routes`,
    dependsOn: [],
    changes: [
      {
        path: 'mesh-gateway permissions',
        from: [...held].sort(),
        to: [...new Set([...held, ...missing])].sort(),
      },
    ],
    params: { source, missing },
  };
}

/** The mesh-gateway and acl steps of every reachable install that takes part in a peering or carries its Mesh. */
export function meshAndAclSteps(ctx: PlanContext): Step[] {
  const steps: Step[] = [];
  const modes = clusterModes(ctx);
  const taking = peered(ctx);
  const carriers = meshInstalls(ctx, taking);
  for (const spec of ctx.topology.clusters) {
    const observed = ctx.reachable(spec.name);
    if (observed === undefined || !(taking.has(spec.name) || carriers.has(spec.name))) continue;
    const acl = taking.has(spec.name) ? aclStep(ctx, spec, observed) : undefined;
    const mode = taking.has(spec.name) ? modes.get(spec.name) : undefined;
    const mesh = meshStep(spec, observed, mode, carriers.has(spec.name));
    if (acl) steps.push(acl);
    if (mesh) steps.push(mesh);
  }
  return steps;
}
