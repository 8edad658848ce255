/**
 * The one place cluster access is built, for every command and service: Kubernetes clients from
 * kubeconfig (with the command line's overrides), kept per install for the life of the process, and
 * step contexts over them.
 */
import type { ClusterClient } from '../kube/cluster-client.ts';
import { connectCluster, unreachableClient } from '../kube/cluster-connections.ts';
import type { KubeconfigOverrides } from '../kube/kube-config.ts';
import type { ClusterAccess } from '../run/cluster-access.ts';
import { createStepContext } from '../steps/create-step-context.ts';
import type { ClusterSpec } from '../topology/index.ts';

/** How clusters are reached: kubeconfig overrides and the per-call deadline of the API client. */
export interface KubeAccessOptions {
  readonly overrides?: KubeconfigOverrides;
  readonly timeoutMs?: number;
}

/** Cluster access over kubeconfig; one client per install and kube context, made on first use. */
export function kubeClusterAccess(options: KubeAccessOptions = {}): ClusterAccess {
  const connected = new Map<string, ClusterClient>();
  const client = (spec: ClusterSpec): ClusterClient => {
    // The same install may move to another context or kubeconfig between revisions.
    const key = `${spec.name}@${spec.context}@${spec.kubeconfig ?? ''}`;
    let found = connected.get(key);
    if (found === undefined) {
      found = connectCluster(spec, options.overrides ?? {}, options.timeoutMs);
      connected.set(key, found);
    }
    return found;
  };
  const clients = (specs: readonly ClusterSpec[]) => {
    const byName = new Map(specs.map((s) => [s.name, s]));
    return (cluster: string): ClusterClient => {
      const spec = byName.get(cluster);
      return spec === undefined
        ? unreachableClient(cluster, `cluster ${cluster} is not in the topology`)
        : client(spec);
    };
  };
  return {
    clients,
    stepContext: (specs, acls) => createStepContext(specs, acls, clients(specs)),
  };
}
