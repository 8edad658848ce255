/**
 * Builders for the consul-k8s resources meshpeer writes, and the labels and annotations it uses.
 * Pure: the planner uses them to compare, the executors to write.
 */
import type { ClusterSpec, ExportSpec, PeeringSpec } from '../topology/index.ts';

/** The API group and version of every consul-k8s resource. */
export const CONSUL_API_VERSION = 'consul.hashicorp.com/v1alpha1';
/** The label that marks objects meshpeer may prune. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The value of MANAGED_BY_LABEL on meshpeer's objects. */
export const MANAGED_BY_VALUE = 'meshpeer';
/** consul-k8s watches only token Secrets with this label; copies must keep it. */
export const PEERING_TOKEN_LABEL = 'consul.hashicorp.com/peering-token';
/** Raising this annotation makes the acceptor issue a new token and the dialer re-establish. */
export const PEERING_VERSION_ANNOTATION = 'consul.hashicorp.com/peering-version';
/** meshpeer's record of which peering a resource serves. */
export const PEERING_ANNOTATION = 'meshpeer.dev/peering';

/** A Kubernetes object as meshpeer writes it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: Readonly<Record<string, unknown>>;
}

const managedLabels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };

/**
 * meshpeer's fields of the `Mesh` singleton, in `namespace` (where an existing one lives; the Consul
 * namespace for a new one). The label marks only a Mesh meshpeer creates; an adopted one keeps its labels.
 */
export function meshResource(cluster: ClusterSpec, namespace = cluster.consul.namespace): KubeObject {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind: 'Mesh',
    metadata: { name: 'mesh', namespace, labels: managedLabels },
    spec: { peering: { peerThroughMeshGateways: cluster.peerThroughMeshGateways } },
  };
}

/** meshpeer's field of the `ProxyDefaults` singleton (the mesh gateway mode), in `namespace`. */
export function proxyDefaultsResource(
  cluster: ClusterSpec,
  mode: 'local' | 'remote',
  namespace = cluster.consul.namespace,
): KubeObject {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind: 'ProxyDefaults',
    metadata: { name: 'global', namespace, labels: managedLabels },
    spec: { meshGateway: { mode } },
  };
}

function peeringResource(kind: 'PeeringAcceptor' | 'PeeringDialer', peering: PeeringSpec): KubeObject {
  const acceptor = kind === 'PeeringAcceptor';
  return {
    apiVersion: CONSUL_API_VERSION,
    kind,
    metadata: {
      // Each side's resource is named after the peer name it uses for the other side.
      name: acceptor ? peering.dialer.peerName : peering.acceptor.peerName,
      namespace: acceptor ? peering.tokenSecret.acceptorNamespace : peering.tokenSecret.dialerNamespace,
      labels: managedLabels,
      annotations: { [PEERING_ANNOTATION]: peering.id },
    },
    spec: {
      peer: {
        secret: { name: peering.tokenSecret.name, key: peering.tokenSecret.key, backend: 'kubernetes' },
      },
    },
  };
}

/** The PeeringAcceptor of a peering, in the acceptor cluster. */
export function acceptorResource(peering: PeeringSpec): KubeObject {
  return peeringResource('PeeringAcceptor', peering);
}

/** The PeeringDialer of a peering, in the dialer cluster. */
export function dialerResource(peering: PeeringSpec): KubeObject {
  return peeringResource('PeeringDialer', peering);
}

/** The name consul-k8s requires: `default` without admin partitions, the partition's name with them. */
export function exportedServicesName(cluster: ClusterSpec, partition: string): string {
  return cluster.enterprise ? partition : 'default';
}

/**
 * meshpeer's entries of the ExportedServices of one cluster and partition, in `namespace` (where
 * the existing one lives); the executor merges them with the entries others wrote.
 */
export function exportedServicesResource(
  cluster: ClusterSpec,
  entry: ExportSpec,
  namespace = cluster.consul.namespace,
): KubeObject {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind: 'ExportedServices',
    metadata: {
      name: exportedServicesName(cluster, entry.partition),
      namespace,
      labels: managedLabels,
    },
    spec: {
      services: entry.services.map((s) => ({
        name: s.name,
        ...(s.namespace !== undefined && { namespace: s.namespace }),
        consumers: s.consumers.map((c) => ({ ...c })),
      })),
    },
  };
}
