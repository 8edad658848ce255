/**
 * Connecting to one cluster: a ClusterClient from the install's own KubeConfig. A cluster whose
 * kubeconfig or context cannot be loaded gets a client that fails every call with a clear reason,
 * so it shows as unreachable instead of failing the rest. The composition root
 * (src/app/cluster-access.ts) decides when to connect and keeps the clients.
 */

import type { ClusterSpec } from '../topology/index.ts';
import type { ClusterClient } from './cluster-client.ts';
import { KubeError } from './cluster-client.ts';
import { createKubeClusterClient } from './kube-cluster-client.ts';
import { type KubeconfigOverrides, kubeConfigFor } from './kube-config.ts';

/** A client whose every call fails as unreachable, with `reason`. */
export function unreachableClient(cluster: string, reason: string): ClusterClient {
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
    return unreachableClient(spec.name, (err as Error).message);
  }
}
