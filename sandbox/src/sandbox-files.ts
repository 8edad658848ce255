/**
 * The files a running sandbox publishes: D/kubeconfig (one context per cluster, unique user names
 * because client-node caches credentials by user name) and D/sandbox.json (endpoints only, never
 * tokens). Both are private to the user.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterEndpoints, SandboxCluster } from './sandbox-cluster.ts';

/** The kubeconfig user name of a cluster (unique per cluster on purpose). */
export function kubeconfigUser(cluster: string): string {
  return `${cluster}-admin`;
}

/** Renders a kubeconfig with one cluster, user and context per sandbox cluster. */
export function renderKubeconfig(clusters: readonly SandboxCluster[]): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster:
        c.kube.caPem === ''
          ? { server: c.kube.url, 'insecure-skip-tls-verify': true }
          : {
              server: c.kube.url,
              'certificate-authority-data': Buffer.from(c.kube.caPem).toString('base64'),
            },
    })),
    users: clusters.map((c) => ({ name: kubeconfigUser(c.name), user: { token: c.kube.token } })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: kubeconfigUser(c.name), namespace: 'default' },
    })),
    'current-context': clusters[0]?.name ?? '',
  };
  return stringify(config);
}

/** The content of sandbox.json. */
export interface SandboxManifest {
  version: 1;
  kubeconfig: string;
  clusters: ClusterEndpoints[];
}

/** Builds the sandbox.json content. */
export function sandboxManifest(dir: string, clusters: readonly SandboxCluster[]): SandboxManifest {
  return { version: 1, kubeconfig: join(dir, 'kubeconfig'), clusters: clusters.map((c) => c.endpoints()) };
}

/** Writes D/kubeconfig and D/sandbox.json; returns their paths. */
export async function writeSandboxFiles(
  dir: string,
  clusters: readonly SandboxCluster[],
): Promise<{ kubeconfig: string; manifest: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const kubeconfig = join(dir, 'kubeconfig');
  const manifest = join(dir, 'sandbox.json');
  await writeFile(kubeconfig, renderKubeconfig(clusters), { mode: 0o600 });
  await writeFile(manifest, `${JSON.stringify(sandboxManifest(dir, clusters), null, 2)}\n`, { mode: 0o600 });
  return { kubeconfig, manifest };
}
