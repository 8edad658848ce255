/** Reads what Consul itself reports for one cluster: peerings with stream status, and ACL facts. */
import { permissionsFromPolicies } from '../consul/acl-rules.ts';
import { type ConsulClient, ConsulError } from '../consul/consul-client.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { ConsulFacts, ConsulPeeringFacts, PeeringState } from './observed-state.ts';

const states = new Set(['PENDING', 'ESTABLISHING', 'ACTIVE', 'FAILING', 'DELETING', 'TERMINATED']);

/**
 * The permissions of the token `self` holds. Any token may read itself, but reading policy rules
 * needs acl:read, which a gateway token lacks, so the rules are read with meshpeer's own token.
 */
async function permissionsOf(self: ConsulClient, rulesReader: ConsulClient): Promise<string[] | undefined> {
  try {
    const token = await self.tokenSelf();
    const policies = await Promise.all(
      (token?.Policies ?? []).map(async (p) => ({
        id: p.ID,
        rules: (await rulesReader.readPolicy(p.ID))?.Rules ?? '',
      })),
    );
    return permissionsFromPolicies(policies);
  } catch (err) {
    // A 403 here means meshpeer's token may not read ACLs: nothing can be concluded, so report nothing held.
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
      permissionsOf(client, client),
      acl.gateway ? permissionsOf(acl.gateway, client) : Promise.resolve(undefined),
    ]);
    return {
      reachable: true,
      peerings,
      ...(reconciler && { reconcilerPermissions: reconciler }),
      ...(gateway && { meshGatewayPermissions: gateway }),
    };
  } catch (err) {
    if (err instanceof ConsulError) return { reachable: false, error: safeErrorMessage(err) };
    throw err;
  }
}
