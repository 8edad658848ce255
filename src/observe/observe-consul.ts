/** Reads what Consul itself reports for one cluster: peerings with stream status, and ACL facts. */
import { permissionsFromPolicies } from '../consul/acl-rules.ts';
import { type ConsulClient, ConsulError } from '../consul/consul-client.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { ConsulFacts, ConsulPeeringFacts, PeeringState } from './observed-state.ts';

const states = new Set(['PENDING', 'ESTABLISHING', 'ACTIVE', 'FAILING', 'DELETING', 'TERMINATED']);

async function permissionsOf(client: ConsulClient): Promise<string[] | undefined> {
  try {
    const self = await client.tokenSelf();
    const policies = await Promise.all(
      (self?.Policies ?? []).map(async (p) => ({
        id: p.ID,
        rules: (await client.readPolicy(p.ID))?.Rules ?? '',
      })),
    );
    return permissionsFromPolicies(policies);
  } catch (err) {
    // A 403 on token/self means the token exists but cannot read itself; treat as holding nothing known.
    if (err instanceof ConsulError && err.status === 403) return [];
    throw err;
  }
}

/** Consul facts for a cluster; `gateway` is a client holding the mesh gateway's token, when ACLs are on. */
export async function observeConsul(
  spec: ClusterSpec,
  client: ConsulClient,
  acl: { enabled: boolean; gateway?: ConsulClient },
): Promise<ConsulFacts> {
  try {
    const perPartition = await Promise.all(
      spec.partitions.map(async (partition) => ({ partition, list: await client.listPeerings(partition) })),
    );
    const peerings: ConsulPeeringFacts[] = perPartition.flatMap(({ partition, list }) =>
      list.map((p) => ({
        name: p.Name,
        partition: p.Partition || partition,
        state: (states.has(p.State) ? p.State : 'UNDEFINED') as PeeringState,
        peerId: p.PeerID ?? '',
        remoteDatacenter: p.Remote?.Datacenter ?? '',
        ...(p.StreamStatus?.LastHeartbeat ? { lastHeartbeat: p.StreamStatus.LastHeartbeat } : {}),
        importedServices: [...(p.StreamStatus?.ImportedServices ?? [])].sort(),
        exportedServices: [...(p.StreamStatus?.ExportedServices ?? [])].sort(),
      })),
    );
    if (!acl.enabled) return { reachable: true, peerings };
    const [reconciler, gateway] = await Promise.all([
      permissionsOf(client),
      acl.gateway ? permissionsOf(acl.gateway) : Promise.resolve(undefined),
    ]);
    return {
      reachable: true,
      peerings,
      ...(reconciler && { reconcilerPermissions: reconciler }),
      ...(gateway && { meshGatewayPermissions: gateway }),
    };
  } catch (err) {
    if (err instanceof ConsulError) return { reachable: false, error: err.message };
    throw err;
  }
}
