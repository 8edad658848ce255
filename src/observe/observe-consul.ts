/**
 * Reads what Consul itself reports for one cluster: peerings with stream status, ACL facts, and the
 * catalog's service names where the install exports.
 */
import { type ConsulClient, ConsulError, type ConsulPeering } from '../consul/consul-client.ts';
import { type PeeringAddressFacts, readPeeringAddresses } from '../consul/token-addresses.ts';
import { exportedServicesName } from '../resources/consul-resources.ts';
import { consulEntryExportKeys } from '../resources/exported-services-merge.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import type { ClusterSpec } from '../topology/index.ts';
import { observeAcls } from './observe-acls.ts';
import { observeCatalog } from './observe-catalog.ts';
import type { ConsulFacts, ConsulPeeringFacts, InstallFacts, PeeringState } from './observed-state.ts';

const states = new Set(['PENDING', 'ESTABLISHING', 'ACTIVE', 'FAILING', 'DELETING', 'TERMINATED']);

function peeringFacts(p: ConsulPeering, partition: string): ConsulPeeringFacts {
  const stream = p.StreamStatus;
  return {
    name: p.Name,
    partition: p.Partition || partition,
    state: (states.has(p.State) ? p.State : 'UNDEFINED') as PeeringState,
    peerId: p.PeerID ?? '',
    remoteDatacenter: p.Remote?.Datacenter ?? '',
    ...(stream?.LastHeartbeat ? { lastHeartbeat: stream.LastHeartbeat } : {}),
    ...(stream?.LastReceive ? { lastReceive: stream.LastReceive } : {}),
    importedServices: [...(stream?.ImportedServices ?? [])].sort(),
    exportedServices: [...(stream?.ExportedServices ?? [])].sort(),
  };
}

/** What the ACL part of an observation needs, when peerings.yaml enables ACLs. */
export interface AclObservation {
  readonly install: InstallFacts | undefined;
  readonly tokenMissing?: string;
  readonly gatewayToken?: { secret: string; token: string | undefined };
}

/** What tokens should list, for an acceptor through gateways; unreadable proves nothing, so it is left out. */
async function peeringAddresses(
  client: ConsulClient,
  read: boolean,
): Promise<PeeringAddressFacts | undefined> {
  return read ? readPeeringAddresses(client).catch(() => undefined) : undefined;
}

/**
 * Consul's exported-services entry of the install's partition, read beside the resource because
 * consul-k8s re-syncs a Synced resource only when it changes: an entry edited in Consul stays so.
 * A 403 (a token without mesh:read) is kept, for the plan to say the check is off; other errors
 * prove nothing, so the entry is left out.
 */
async function exportEntry(
  spec: ClusterSpec,
  client: ConsulClient,
  read: boolean,
): Promise<{ name: string; keys: string[] } | { name: string; unreadable: string } | undefined> {
  if (!read) return undefined;
  const name = exportedServicesName(spec, spec.partition);
  const entry = await client
    .readConfigEntry('exported-services', name, spec.partition)
    .catch((err: unknown) => (err instanceof ConsulError && err.status === 403 ? 403 : null));
  if (entry === null) return undefined;
  // Said in the plan, so an operator knows this check is off rather than passed.
  if (entry === 403) return { name, unreadable: 'the token lacks mesh:read' };
  return { name, keys: entry === undefined ? [] : consulEntryExportKeys(entry) };
}

/**
 * Consul facts for a cluster; `acl` is given when peerings.yaml enables ACLs, `catalogNamespaces`
 * names where the install's exports live (empty: it exports nothing, its catalog is not read), and
 * `addresses` asks for what its tokens should list (an acceptor peering through mesh gateways).
 */
export async function observeConsul(
  spec: ClusterSpec,
  client: ConsulClient,
  acl: AclObservation | undefined,
  catalogNamespaces: readonly string[] = [],
  addresses = false,
): Promise<ConsulFacts> {
  try {
    // consul-k8s serves one partition per install, so an install's peerings are its partition's.
    const peerings = (await client.listPeerings(spec.partition)).map((p) => peeringFacts(p, spec.partition));
    const aclFacts = acl === undefined ? undefined : await observeAcls(client, acl.install, acl);
    const catalog = await observeCatalog(spec, client, catalogNamespaces, aclFacts);
    const [tokenAddresses, exported] = await Promise.all([
      peeringAddresses(client, addresses),
      exportEntry(spec, client, catalogNamespaces.length > 0),
    ]);
    return {
      reachable: true,
      peerings,
      ...(exported !== undefined && { exportEntry: exported }),
      ...(aclFacts !== undefined && { acl: aclFacts }),
      ...(catalog !== undefined && { catalog }),
      ...(tokenAddresses !== undefined && { peeringAddresses: tokenAddresses }),
    };
  } catch (err) {
    // A 403 on a plain read means Consul wants a token: an ACL mismatch, not an unreachable API.
    if (err instanceof ConsulError && err.status === 403 && acl === undefined)
      return { reachable: true, peerings: [], aclRequired: true };
    if (err instanceof ConsulError && err.status === 403 && acl !== undefined) {
      const facts = await observeAcls(client, acl.install, acl).catch(() => ({}));
      return { reachable: true, peerings: [], acl: { reconcilerPermissions: [], ...facts } };
    }
    if (err instanceof ConsulError) return { reachable: false, error: safeErrorMessage(err) };
    throw err;
  }
}
