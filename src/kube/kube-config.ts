/** Builds one KubeConfig per cluster of the topology, each fixed to that cluster's context. */
import { statSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { type ClusterSpec, installPath } from '../topology/index.ts';

/** Where kubeconfigs come from when peerings.yaml does not say. */
export interface KubeconfigOverrides {
  /** `--kubeconfig`: used for clusters without their own `kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--context install=context` pairs, keyed `cluster` or `cluster/partition`. */
  readonly contexts?: Readonly<Record<string, string>>;
}

/** The `--context` help, the same for every command that talks to clusters. */
export const CONTEXT_OPTION_HELP =
  'use another kube context for a cluster or partition install: CLUSTER=CONTEXT or CLUSTER/PARTITION=CONTEXT (repeatable)';

/** Parses `--context` pairs into overrides keyed by install. */
export function contextOverrides(pairs: readonly string[]): Record<string, string> {
  const contexts: Record<string, string> = {};
  for (const pair of pairs) {
    const [install, context] = pair.split('=', 2);
    if (!install || !context) throw new Error(`--context takes CLUSTER=CONTEXT, got "${pair}"`);
    contexts[install] = context;
  }
  return contexts;
}

/** Thrown when a cluster's kubeconfig or context cannot be used. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/**
 * Parsed kubeconfig files, reused while the file is unchanged. One file usually holds every
 * cluster's context, so parsing it once per cluster made building N clients cost O(N²).
 */
const parsed = new Map<string, { stamp: string; kc: KubeConfig }>();

function load(file: string | undefined): KubeConfig {
  if (file === undefined) {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  }
  const stat = statSync(file);
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const cached = parsed.get(file);
  if (cached?.stamp === stamp) return cached.kc;
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  parsed.set(file, { stamp, kc });
  return kc;
}

/**
 * A KubeConfig holding only `context`, its cluster and its user: each cluster's client keeps one
 * entry instead of the whole file (memory grew with clusters², and credentials cannot cross).
 */
function only(kc: KubeConfig, context: string): KubeConfig {
  const ctx = kc.getContextObject(context);
  const cluster = kc.clusters.find((c) => c.name === ctx?.cluster);
  const user = kc.users.find((u) => u.name === ctx?.user);
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: cluster === undefined ? [] : [cluster],
    users: user === undefined ? [] : [user],
    contexts: ctx === null ? [] : [ctx],
    currentContext: context,
  });
  return out;
}

/** A KubeConfig for exactly one cluster, never shared, so credentials cannot cross clusters. */
export function kubeConfigFor(cluster: ClusterSpec, overrides: KubeconfigOverrides = {}): KubeConfig {
  const file = cluster.kubeconfig ?? overrides.kubeconfig;
  let kc: KubeConfig;
  try {
    kc = load(file);
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
      `kube context "${context}" for cluster ${cluster.name} is not in ${file ?? 'the default kubeconfig'} (contexts: ${known}); set ${installPath(cluster)}.context in peerings.yaml or pass --context ${cluster.name}=NAME`,
    );
  }
  return only(kc, context);
}
