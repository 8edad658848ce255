/**
 * The service filter chains of a mesh gateway, as hashicorp/consul agent/xds/listeners.go builds
 * them for peering, computed per connection from the install's Consul state:
 * - for each service its partition exports to a peer (`exported-services`, a `*` entry meaning
 *   every local service but `consul`, sameness-group consumers meaning their peer members), one
 *   chain matching PeeredServiceSNI(service, ns, partition, <consumer peer>, <own trust domain>)
 *   whose TCP proxy sends the connection to a healthy instance's sidecar
 *   (makeMeshGatewayPeerFilterChain, `mesh_gateway_local_peered.`); a service not exported to that
 *   peer has no chain, so its name is refused;
 * - for each service imported from a peer of its partition, a chain matching the SNI the exporter
 *   gave it, sending the connection on to the exporting side's gateway (the imported instances'
 *   address) without terminating TLS: the way out for callers in mesh gateway mode `local`.
 * Simplified: the TCP proxy picks among healthy instances only; Envoy's panic threshold, which
 * would spread traffic over unhealthy hosts once too few are healthy, is not simulated.
 */
import type { RouteResolver } from '../gateway/sni-gateway.ts';
import type { ConfigEntryLike } from './data-plane-consul.ts';
import type { InstallDataPlane } from './install-data-plane.ts';
import { type PeeredSni, parsePeeredSni } from './sni-names.ts';
import type { MeshInstall, TrafficMesh } from './traffic-mesh.ts';

type Json = Readonly<Record<string, unknown>>;

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** The peers a consumer list names, sameness groups expanded into their peer members. */
function consumerPeers(plane: InstallDataPlane, consumers: readonly Json[]): string[] {
  return consumers.flatMap((c) => {
    if (typeof c.Peer === 'string' && c.Peer !== '') return [c.Peer];
    if (typeof c.SamenessGroup !== 'string' || c.SamenessGroup === '') return [];
    const group = plane.consul.configEntry('sameness-group', c.SamenessGroup, plane.partition);
    return list(group?.Members).flatMap((m) => (typeof m.Peer === 'string' && m.Peer !== '' ? [m.Peer] : []));
  });
}

/** Whether the install's partition exports `service` to the peer it calls `peer`. */
export function exportedTo(plane: InstallDataPlane, service: string, peer: string): boolean {
  if (service === 'consul') return false;
  const entry: ConfigEntryLike | undefined = plane.consul.configEntry(
    'exported-services',
    plane.partition,
    plane.partition,
  );
  return list(entry?.Services).some((s) => {
    const named =
      s.Name === service ||
      (s.Name === '*' && plane.consul.localInstances(service, plane.partition).length > 0);
    return named && consumerPeers(plane, list(s.Consumers)).includes(peer);
  });
}

async function ingress(install: MeshInstall, mesh: TrafficMesh, sni: PeeredSni): Promise<string | undefined> {
  const { plane } = install;
  if (!exportedTo(plane, sni.service, sni.peer)) return undefined;
  const nodes = plane.consul.localInstances(sni.service, plane.partition);
  const node = mesh.pick(`${plane.trustDomain}/${plane.partition}/${sni.service}`, nodes);
  return node === undefined ? undefined : plane.sidecarOf(node);
}

function egress(install: MeshInstall, mesh: TrafficMesh, sni: PeeredSni): string | undefined {
  const { plane } = install;
  const bundle = plane
    .trust()
    .peers.find(
      (b) =>
        b.TrustDomain.toLowerCase() === sni.trustDomain &&
        (b.ExportedPartition || 'default') === sni.partition,
    );
  if (bundle === undefined) return undefined;
  if (plane.consul.importedInstances(bundle.PeerName, sni.service, plane.partition).length === 0)
    return undefined;
  const exporter = mesh.exporterOf(bundle);
  if (exporter === undefined || mesh.nameAtExporter(exporter.plane, plane) !== sni.peer) return undefined;
  return exporter.gateway?.address;
}

/** The resolver of an install gateway's service names. */
export function gatewayServiceRoutes(install: MeshInstall, mesh: TrafficMesh): RouteResolver {
  return async (serverName) => {
    const sni = parsePeeredSni(serverName);
    if (sni === undefined) return undefined;
    if (sni.trustDomain === install.plane.trustDomain) {
      return sni.partition === install.plane.partition ? ingress(install, mesh, sni) : undefined;
    }
    return egress(install, mesh, sni);
  };
}
