/** Plans the `mesh-gateway` step (Mesh and ProxyDefaults) and the `acl` repair step per cluster. */
import { meshResource, proxyDefaultsResource } from '../kube/consul-resources.ts';
import type { ObservedCluster } from '../observe/observed-state.ts';
import { type ClusterSpec, meshGatewayTokenRef } from '../topology/index.ts';
import type { PlanContext } from './plan-context.ts';
import type { FieldChange, Step } from './step.ts';

/**
 * The mesh gateway mode each peered cluster's peerings ask for (validation guarantees they agree),
 * from its first peering; one pass over the peerings instead of a search per cluster.
 */
export function clusterModes(ctx: PlanContext): ReadonlyMap<string, 'local' | 'remote'> {
  const modes = new Map<string, 'local' | 'remote'>();
  for (const p of ctx.topology.peerings)
    for (const cluster of [p.acceptor.cluster, p.dialer.cluster])
      if (!modes.has(cluster)) modes.set(cluster, p.meshGatewayMode);
  return modes;
}

function meshStep(spec: ClusterSpec, observed: ObservedCluster, mode: 'local' | 'remote'): Step | undefined {
  const mesh = meshResource(spec);
  const proxy = proxyDefaultsResource(spec, mode);
  const changes: FieldChange[] = [];
  const reasons: string[] = [];
  const meshWrong =
    observed.mesh === undefined ||
    observed.mesh.deleting ||
    observed.mesh.peerThroughMeshGateways !== spec.peerThroughMeshGateways;
  if (meshWrong) {
    reasons.push(
      observed.mesh === undefined ? 'Mesh mesh does not exist' : 'Mesh mesh has the wrong peering setting',
    );
    changes.push({
      path: 'Mesh/mesh.spec.peering.peerThroughMeshGateways',
      from: observed.mesh?.peerThroughMeshGateways ?? null,
      to: spec.peerThroughMeshGateways,
    });
  }
  const proxyWrong =
    observed.proxyDefaults === undefined ||
    observed.proxyDefaults.deleting ||
    observed.proxyDefaults.meshGatewayMode !== mode;
  if (proxyWrong) {
    reasons.push(
      observed.proxyDefaults === undefined
        ? 'ProxyDefaults global does not exist'
        : `ProxyDefaults global uses mesh gateway mode "${observed.proxyDefaults.meshGatewayMode}"`,
    );
    changes.push({
      path: 'ProxyDefaults/global.spec.meshGateway.mode',
      from: observed.proxyDefaults?.meshGatewayMode ?? null,
      to: mode,
    });
  }
  if (!meshWrong && !proxyWrong) return undefined;
  const creating = observed.mesh === undefined && observed.proxyDefaults === undefined;
  return {
    id: `mesh-gateway/${spec.name}/mesh`,
    kind: 'mesh-gateway',
    action: creating ? 'create' : 'update',
    lane: spec.name,
    target: { kind: 'Mesh+ProxyDefaults', namespace: spec.consul.namespace, name: 'mesh,global' },
    reason: `${reasons.join('; ')}: peering needs peerThroughMeshGateways=${spec.peerThroughMeshGateways} and gateways in ${mode} mode`,
    dependsOn: [],
    changes,
    params: { ...(meshWrong && { mesh }), ...(proxyWrong && { proxyDefaults: proxy }) },
  };
}

function aclStep(ctx: PlanContext, spec: ClusterSpec, observed: ObservedCluster): Step | undefined {
  if (!ctx.topology.acls.enabled || !observed.consul.reachable) return undefined;
  const held = observed.consul.meshGatewayPermissions ?? [];
  const missing = ctx.topology.acls.meshGatewayRequires.filter((p) => !held.includes(p));
  if (missing.length === 0) return undefined;
  return {
    id: `acl/${spec.name}/mesh-gateway`,
    kind: 'acl',
    action: 'repair',
    lane: spec.name,
    target: {
      kind: 'ACLPolicy',
      namespace: spec.consul.namespace,
      name: meshGatewayTokenRef(spec, ctx.topology.acls).name,
    },
    reason: `the mesh gateway token lacks ${missing.join(', ')}: without peering:read gateways never build peering routes`,
    dependsOn: [],
    changes: [
      {
        path: 'mesh-gateway token permissions',
        from: [...held].sort(),
        to: [...new Set([...held, ...missing])].sort(),
      },
    ],
    params: { namespace: spec.consul.namespace, missing },
  };
}

/** The mesh-gateway and acl steps of every reachable cluster that takes part in a peering. */
export function meshAndAclSteps(ctx: PlanContext): Step[] {
  const steps: Step[] = [];
  const modes = clusterModes(ctx);
  for (const spec of ctx.topology.clusters) {
    const observed = ctx.reachable(spec.name);
    const mode = modes.get(spec.name);
    if (observed === undefined || mode === undefined) continue;
    const acl = aclStep(ctx, spec, observed);
    const mesh = meshStep(spec, observed, mode);
    if (acl) steps.push(acl);
    if (mesh) steps.push(mesh);
  }
  return steps;
}
