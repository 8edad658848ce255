/**
 * Which addresses a peering token should list, and whether it does. Consul fills a token's
 * ServerAddresses when it generates it (agent/rpc/peering/service.go GenerateToken, from
 * agent/consul/peering_backend.go GetLocalServerAddresses): with the default partition's Mesh
 * entry setting PeerThroughMeshGateways, the WAN address of every mesh gateway registered in the
 * default partition (meshGatewayAdresses, CheckServiceNode.BestAddress(wan)); otherwise every
 * server's address and gRPC TLS port (serverAddresses). A token generated before the Mesh setting
 * was in effect therefore lists server pod addresses a dialer in another cluster cannot reach
 * (consul-k8s issue 1683), and re-copying it never helps: only a new token does.
 */
import { isIPv6 } from 'node:net';
import { decodeToken } from '../peering/token-codec.ts';
import type { CatalogServiceNode } from './catalog-types.ts';
import type { ConsulClient } from './consul-client.ts';

/** What the acceptor's Consul says a token should list, read from its default partition. */
export interface PeeringAddressFacts {
  /** The Mesh entry's Peering.PeerThroughMeshGateways is in effect now. */
  readonly throughGateways: boolean;
  /** The mesh gateways' WAN addresses, as Consul lists them in tokens (sorted). */
  readonly gateways: readonly string[];
  /** The servers' gRPC addresses, as Consul lists them without gateways (sorted). */
  readonly servers: readonly string[];
}

/** What is wrong with the addresses a token lists. */
export interface TokenAddressProblem {
  /** `servers`: the servers' own addresses (issue 1683); `other`: neither gateways nor servers. */
  readonly kind: 'servers' | 'other';
  /** The token's ServerAddresses. */
  readonly listed: readonly string[];
  /** The mesh gateway addresses found (empty: none registered, or not readable). */
  readonly gateways: readonly string[];
}

/** The mesh gateway service consul-k8s registers (the chart's `meshGateway.consulServiceName` default). */
export const MESH_GATEWAY_SERVICE = 'mesh-gateway';

/** `host:port`, with brackets for IPv6 as lib ipaddr.FormatAddressPort writes it. */
function hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A mesh gateway's WAN address as Consul puts it in tokens (structs.CheckServiceNode.BestAddress
 * with wan): the service's `wan` tagged address, else the service address; the node's `wan`
 * tagged address, else the node address, when the service has none. The port is the `wan`
 * tagged port when set, else the service port.
 */
export function meshGatewayWanAddress(node: CatalogServiceNode): string | undefined {
  const wan = node.ServiceTaggedAddresses?.wan;
  let host = wan?.Address ?? node.ServiceAddress ?? '';
  const port = wan !== undefined && wan.Port !== 0 ? wan.Port : (node.ServicePort ?? 0);
  if (host === '') host = node.TaggedAddresses?.wan ?? node.Address;
  return host === '' || port === 0 ? undefined : hostPort(host, port);
}

/**
 * A server's address as Consul puts it in tokens without gateways (peering_backend.go
 * serverAddresses): the node's `wan` tagged address, else its address, with the `grpc_tls_port`
 * meta, else `grpc_port`; a server with neither is left out.
 */
export function serverGrpcAddress(node: CatalogServiceNode): string | undefined {
  const host = node.TaggedAddresses?.wan ?? node.Address;
  const port = [node.ServiceMeta?.grpc_tls_port, node.ServiceMeta?.grpc_port]
    .map((p) => Number.parseInt(p ?? '', 10))
    .find((p) => p > 0);
  return port === undefined ? undefined : `${host}:${port}`;
}

/**
 * The token's ServerAddresses when `base64` holds a peering token (the value of a token Secret's
 * key, base64 as the Kubernetes API returns it); undefined when it does not, or when the token
 * lists ManualServerAddresses, which a dialer dials instead (structs.Peering GetAddressesToDial).
 * Addresses are not secrets; the establishment secret is registered for redaction by decodeToken.
 */
export function tokenServerAddresses(base64: string): readonly string[] | undefined {
  try {
    const token = decodeToken(Buffer.from(base64, 'base64').toString('utf8'));
    return token.ManualServerAddresses.length > 0 ? undefined : token.ServerAddresses;
  } catch {
    return undefined;
  }
}

const subsetOf = (list: readonly string[], of: readonly string[]) =>
  list.length > 0 && list.every((a) => of.includes(a));

/**
 * What is wrong with a token's addresses for an acceptor that peers through mesh gateways, or
 * undefined when it lists a mesh gateway (a dialer cycles through the addresses, one that answers
 * is enough) or nothing proves otherwise: the catalog may be filtered by ACLs (node:read), so only
 * the servers' own addresses, or gateways found of which the token lists none, count as proof.
 */
export function tokenAddressProblem(
  listed: readonly string[],
  found: Pick<PeeringAddressFacts, 'gateways' | 'servers'>,
): TokenAddressProblem | undefined {
  if (listed.some((a) => found.gateways.includes(a))) return undefined;
  if (subsetOf(listed, found.servers)) return { kind: 'servers', listed, gateways: found.gateways };
  if (found.gateways.length > 0 && listed.length > 0)
    return { kind: 'other', listed, gateways: found.gateways };
  return undefined;
}

/**
 * Whether Consul has the mesh entry's Peering.PeerThroughMeshGateways in effect, read in the
 * default partition, the only one whose mesh entry Consul honours for peering. ACL: mesh:read.
 */
export async function meshPeersThroughGateways(client: ConsulClient): Promise<boolean> {
  const mesh = await client.readConfigEntry('mesh', 'mesh', 'default');
  return (
    (mesh?.Peering as { PeerThroughMeshGateways?: unknown } | undefined)?.PeerThroughMeshGateways === true
  );
}

/**
 * Reads the facts from the acceptor's Consul, always in the default partition (where Consul reads
 * the Mesh entry and the gateways for every partition's tokens). ACL: mesh:read, and service:read
 * with node:read for the two catalog reads.
 */
export async function readPeeringAddresses(client: ConsulClient): Promise<PeeringAddressFacts> {
  const [throughGateways, gateways, servers] = await Promise.all([
    meshPeersThroughGateways(client),
    client.catalogService(MESH_GATEWAY_SERVICE, { partition: 'default' }),
    client.catalogService('consul', { partition: 'default' }),
  ]);
  const addresses = (nodes: CatalogServiceNode[], pick: (n: CatalogServiceNode) => string | undefined) =>
    [...new Set(nodes.flatMap((n) => pick(n) ?? []))].sort();
  return {
    throughGateways,
    gateways: addresses(
      gateways.filter((n) => (n.ServiceKind ?? '') === 'mesh-gateway'),
      meshGatewayWanAddress,
    ),
    servers: addresses(servers, serverGrpcAddress),
  };
}

/**
 * One line saying what a token lists against what it should, for the transfer's refusal and the
 * plan's rotation: `token Secret <name> in <install> lists ... instead of ...`.
 */
export function describeTokenAddresses(
  problem: TokenAddressProblem,
  secret: { readonly name: string; readonly install: string },
): string {
  const gateways = problem.gateways.length > 0 ? problem.gateways.join(', ') : 'none registered in Consul';
  const listed = problem.listed.join(', ');
  return problem.kind === 'servers'
    ? `token Secret ${secret.name} in ${secret.install} lists the Consul servers' addresses ${listed} instead of the mesh gateway addresses (${gateways})`
    : `token Secret ${secret.name} in ${secret.install} lists ${listed}, none of them a mesh gateway address of ${secret.install} (${gateways})`;
}
