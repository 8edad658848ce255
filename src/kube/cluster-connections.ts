/**
 * Composition root for cluster access: one ClusterClient per cluster of the topology, each from
 * its own KubeConfig. A cluster whose kubeconfig or context cannot be loaded gets a client that
 * fails every call with a clear reason, so it shows as unreachable instead of failing the rest.
 */

import type { ClusterSpec, Topology } from '../topology/index.ts';
import type { ClusterClient } from './cluster-client.ts';
import { KubeError } from './cluster-client.ts';
import { createKubeClusterClient } from './kube-cluster-client.ts';
import { type KubeconfigOverrides, kubeConfigFor } from './kube-config.ts';

function failingClient(cluster: string, reason: string): ClusterClient {
  const fail = async (): Promise<never> => {
    throw new KubeError('unreachable', reason);
  };
  return {
    cluster,
    get: fail,
    list: fail,
    proxyRequest: fail,
    apply: fail,
    mergePatch: fail,
    create: fail,
    replace: fail,
    delete: fail,
  };
}

/** A client for one cluster spec. */
export function connectCluster(
  spec: ClusterSpec,
  overrides: KubeconfigOverrides = {},
  timeoutMs?: number,
): ClusterClient {
  try {
    return createKubeClusterClient(
      spec.name,
      kubeConfigFor(spec, overrides),
      timeoutMs === undefined ? {} : { timeoutMs },
    );
  } catch (err) {
    return failingClient(spec.name, (err as Error).message);
  }
}

/** Clients for every cluster of the topology, created lazily and kept. */
export function clusterConnections(
  topology: Topology,
  overrides: KubeconfigOverrides = {},
  timeoutMs?: number,
): (cluster: string) => ClusterClient {
  const specs = new Map(topology.clusters.map((c) => [c.name, c]));
  const clients = new Map<string, ClusterClient>();
  return (cluster) => {
    let client = clients.get(cluster);
    if (client === undefined) {
      const spec = specs.get(cluster);
      client =
        spec === undefined
          ? failingClient(cluster, `cluster ${cluster} is not in the topology`)
          : connectCluster(spec, overrides, timeoutMs);
      clients.set(cluster, client);
    }
    return client;
  };
}
