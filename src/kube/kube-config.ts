/** Builds one KubeConfig per cluster of the topology, each fixed to that cluster's context. */
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterSpec } from '../topology/index.ts';

/** Where kubeconfigs come from when peerings.yaml does not say. */
export interface KubeconfigOverrides {
  /** `--kubeconfig`: used for clusters without their own `kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--context cluster=context` pairs. */
  readonly contexts?: Readonly<Record<string, string>>;
}

/** Thrown when a cluster's kubeconfig or context cannot be used. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/** A KubeConfig for exactly one cluster, never shared, so credentials cannot cross clusters. */
export function kubeConfigFor(cluster: ClusterSpec, overrides: KubeconfigOverrides = {}): KubeConfig {
  const kc = new KubeConfig();
  const file = cluster.kubeconfig ?? overrides.kubeconfig;
  try {
    if (file !== undefined) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (err) {
    throw new KubeconfigError(
      `cannot load kubeconfig ${file ?? '(default)'} for ${cluster.name}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const context = overrides.contexts?.[cluster.name] ?? cluster.context;
  if (!kc.getContexts().some((c) => c.name === context)) {
    const known =
      kc
        .getContexts()
        .map((c) => c.name)
        .join(', ') || 'none';
    throw new KubeconfigError(
      `kube context "${context}" for cluster ${cluster.name} is not in ${file ?? 'the default kubeconfig'} (contexts: ${known}); set context in peerings.yaml or pass --context ${cluster.name}=NAME`,
    );
  }
  kc.setCurrentContext(context);
  return kc;
}
