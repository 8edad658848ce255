/** Turns a schema-valid peerings.yaml into the resolved, sorted Topology. */
import { durationMs } from './duration.ts';
import { placeLabel, resolveEndpoint } from './endpoint.ts';
import { normalizeTraffic } from './normalize-traffic.ts';
import type { ClusterEntry, TopologyFile } from './schema.ts';
import type { ClusterSpec, Consumer, ExportSpec, PeeringSpec, Topology } from './topology.ts';

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function partitionNames(entry: ClusterEntry): string[] {
  const names = (entry.partitions ?? []).map((p) => (typeof p === 'string' ? p : p.name));
  return ['default', ...[...new Set(names)].filter((n) => n !== 'default').sort()];
}

type ConsulInput = ClusterEntry['consul'] | PartitionInstall['consul'];
type PartitionInstall = Extract<NonNullable<ClusterEntry['partitions']>[number], { name: string }>;

/** The Secret references of one install, defaulted to its namespace. */
function references(consul: ConsulInput, namespace: string) {
  const aclToken = consul?.aclToken && {
    ...consul.aclToken,
    namespace: consul.aclToken.namespace ?? namespace,
  };
  const caCert =
    consul?.caCert &&
    ('file' in consul.caCert
      ? { file: consul.caCert.file }
      : { ...consul.caCert, namespace: consul.caCert.namespace ?? namespace });
  return { ...(caCert !== undefined && { caCert }), ...(aclToken !== undefined && { aclToken }) };
}

function normalizeCluster(entry: ClusterEntry, file: TopologyFile): ClusterSpec {
  const { consul } = entry;
  return {
    name: entry.name,
    cluster: entry.name,
    partition: 'default',
    context: entry.context ?? entry.name,
    ...(entry.kubeconfig !== undefined && { kubeconfig: entry.kubeconfig }),
    enterprise: entry.enterprise,
    partitions: partitionNames(entry),
    peerThroughMeshGateways: entry.peerThroughMeshGateways ?? file.defaults.peerThroughMeshGateways,
    consul: {
      namespace: consul.namespace,
      release: consul.release,
      ...(consul.fullname !== undefined && { fullname: consul.fullname }),
      ...(consul.helmValues !== undefined && { helmValues: consul.helmValues }),
      datacenter: consul.datacenter ?? entry.name,
      ...(consul.version !== undefined && { version: consul.version }),
      ...(consul.address !== undefined && { address: consul.address }),
      ...references(consul, consul.namespace),
    },
  };
}

/**
 * The install of one non-default partition: its own kube context, the cluster's datacenter and,
 * unless it says otherwise, the cluster's namespace, release, address and token references.
 */
function normalizePartition(p: PartitionInstall, server: ClusterSpec): ClusterSpec {
  const own = p.consul ?? {};
  const namespace = own.namespace ?? server.consul.namespace;
  const address = own.address ?? server.consul.address;
  const inherited = references(
    { aclToken: own.aclToken ?? server.consul.aclToken, caCert: own.caCert ?? server.consul.caCert },
    namespace,
  );
  const kubeconfig = p.kubeconfig ?? server.kubeconfig;
  return {
    name: `${server.cluster}/${p.name}`,
    cluster: server.cluster,
    partition: p.name,
    server: server.name,
    context: p.context ?? '',
    ...(kubeconfig !== undefined && { kubeconfig }),
    enterprise: true,
    partitions: server.partitions,
    peerThroughMeshGateways: server.peerThroughMeshGateways,
    consul: {
      namespace,
      release: own.release ?? server.consul.release,
      ...(own.fullname !== undefined && { fullname: own.fullname }),
      ...(own.helmValues !== undefined && { helmValues: own.helmValues }),
      datacenter: server.consul.datacenter,
      ...(server.consul.version !== undefined && { version: server.consul.version }),
      ...(address !== undefined && { address }),
      ...inherited,
    },
  };
}

/** A cluster's own install and one per non-default partition. */
function installsOf(entry: ClusterEntry, file: TopologyFile): ClusterSpec[] {
  const server = normalizeCluster(entry, file);
  const partitions = (entry.partitions ?? []).filter(
    (p): p is PartitionInstall => typeof p !== 'string' && p.name !== 'default',
  );
  return [server, ...partitions.map((p) => normalizePartition(p, server))];
}

function normalizePeering(
  entry: TopologyFile['peerings'][number],
  file: TopologyFile,
  clusters: Map<string, ClusterSpec>,
): PeeringSpec {
  const acceptor = resolveEndpoint(entry.acceptor);
  const dialer = resolveEndpoint(entry.dialer);
  // Each partition has its own install (its own cluster), so its resources live in its namespace.
  const nsOf = (end: { install: string }) =>
    file.defaults.tokenSecret.namespace ?? clusters.get(end.install)?.consul.namespace ?? 'consul';
  return {
    id: `${acceptor.cluster}/${acceptor.partition}>${dialer.cluster}/${dialer.partition}`,
    acceptor,
    dialer,
    ...modeOf(entry.meshGatewayMode ?? file.defaults.meshGatewayMode),
    tokenSecret: {
      name: entry.tokenSecret ?? `peering-token-${acceptor.peerName}-${dialer.peerName}`,
      key: file.defaults.tokenSecret.key,
      acceptorNamespace: nsOf(acceptor),
      dialerNamespace: nsOf(dialer),
    },
  };
}

const modeOf = (mode: 'local' | 'remote' | undefined) =>
  mode === undefined ? {} : { meshGatewayMode: mode };

function normalizeConsumer(c: {
  peer?: string | undefined;
  partition?: string | undefined;
  samenessGroup?: string | undefined;
}): Consumer {
  if (c.peer !== undefined) return { peer: c.peer };
  if (c.partition !== undefined) return { partition: c.partition };
  return { samenessGroup: c.samenessGroup ?? '' };
}

const consumerKey = (c: Consumer) =>
  'peer' in c ? `peer:${c.peer}` : 'partition' in c ? `partition:${c.partition}` : `sg:${c.samenessGroup}`;

function normalizeExport(entry: TopologyFile['exports'][number]): ExportSpec {
  const services = entry.services
    .map((s) => ({
      name: s.name,
      ...(s.namespace !== undefined && { namespace: s.namespace }),
      consumers: s.consumers
        .map(normalizeConsumer)
        .sort((a, b) => consumerKey(a).localeCompare(consumerKey(b))),
    }))
    .sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`));
  return {
    cluster: entry.cluster,
    partition: entry.partition,
    install: placeLabel(entry.cluster, entry.partition),
    services,
  };
}

/** Resolves defaults, shorthands and derived names; call only on a file that passed validation. */
export function normalizeTopology(file: TopologyFile): Topology {
  const clusters = file.clusters.flatMap((c) => installsOf(c, file)).sort(byName);
  const clusterMap = new Map(clusters.map((c) => [c.name, c]));
  const gateway = file.acls.meshGateway;
  return {
    name: file.metadata.name,
    clusters,
    peerings: file.peerings
      .map((p) => normalizePeering(p, file, clusterMap))
      .sort((a, b) => a.id.localeCompare(b.id)),
    exports: file.exports
      .map(normalizeExport)
      .sort((a, b) => `${a.cluster}/${a.partition}`.localeCompare(`${b.cluster}/${b.partition}`)),
    ...normalizeTraffic(file),
    acls: {
      enabled: file.acls.enabled,
      reconcilerRequires: file.acls.reconciler?.require ?? [
        'peering:write',
        'peering:read',
        'mesh:write',
        'service:read',
        // Verification reads instances (GET /v1/health/service/:name?peer=, /v1/catalog/service/:name),
        // which Consul filters by node:read as well as service:read (agent/consul/aclfilter).
        'node:read',
      ],
      meshGatewayRequires: gateway?.require ?? [
        'service:write',
        'service:read',
        'mesh:write',
        'peering:read',
      ],
      ...(gateway?.tokenSecret !== undefined && { meshGatewayTokenSecret: gateway.tokenSecret }),
    },
    verify: {
      heartbeatMaxAgeMs: durationMs(file.defaults.verify.heartbeatMaxAge),
      handshake: file.defaults.verify.handshake,
      probe: file.defaults.verify.probe,
      timeoutMs: durationMs(file.defaults.verify.timeout),
    },
    prune: file.prune,
  };
}
