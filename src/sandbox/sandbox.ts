/**
 * A sandbox: simulated clusters started together, with the kubeconfig and sandbox.json that point
 * clients at them. With a configuration each cluster also runs Consul (server, Helm release,
 * consul-k8s controllers, mesh gateway, admin API); with only a count it is a bare Kubernetes API
 * emulator. The demo, the integration tests and the benchmarks all start one of these.
 */
import { join, resolve } from 'node:path';
import { type ClusterStack, startClusterStack } from './cluster-stack.ts';
import { SandboxCluster, type SandboxClusterOptions } from './sandbox-cluster.ts';
import { clusterName, type SandboxConfig } from './sandbox-config.ts';
import { renderKubeconfig, writeSandboxFiles } from './sandbox-files.ts';

export { clusterName } from './sandbox-config.ts';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** Bare emulator clusters (cluster-01 ...) when no `config` is given. */
  clusters?: number;
  /** Clusters with Consul, controllers and gateways, as configured. */
  config?: SandboxConfig;
  /** Where kubeconfig, sandbox.json and (with `persist`) the clusters' state live. */
  dir?: string;
  /** Keep objects across restarts in DIR/state/<cluster> (default true when `dir` is given). */
  persist?: boolean;
  kube?: SandboxClusterOptions['kube'];
  /** Receives controller log lines (already redacted). */
  log?: (line: string) => void;
}

function clusterNames(options: SandboxOptions): string[] {
  if (options.config !== undefined) return options.config.clusters.map((c) => c.name);
  const count = options.clusters ?? 0;
  if (!Number.isInteger(count) || count < 1 || count > 999) {
    throw new Error('the number of sandbox clusters must be an integer from 1 to 999');
  }
  return Array.from({ length: count }, (_, i) => clusterName(i + 1, count));
}

async function startAll<T>(
  items: readonly string[],
  start: (name: string) => Promise<T>,
): Promise<{ ok: T[]; failure?: unknown }> {
  const settled = await Promise.allSettled(items.map(start));
  const ok = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return failed === undefined ? { ok } : { ok, failure: failed.reason };
}

/** A running set of simulated clusters. */
export class Sandbox {
  private constructor(
    readonly clusters: readonly SandboxCluster[],
    readonly dir: string | undefined,
    private readonly stacks: ReadonlyMap<string, ClusterStack>,
    readonly config: SandboxConfig | undefined,
  ) {}

  /** Starts every cluster (in parallel) and writes the sandbox files when a directory is given. */
  static async start(options: SandboxOptions): Promise<Sandbox> {
    const names = clusterNames(options);
    const dir = options.dir === undefined ? undefined : resolve(options.dir);
    const persist = options.persist ?? dir !== undefined;
    const started = await startAll(names, (name) => {
      const clusterOptions: SandboxClusterOptions = { name };
      if (options.kube !== undefined) clusterOptions.kube = options.kube;
      if (persist && dir !== undefined) clusterOptions.stateDir = join(dir, 'state', name);
      return SandboxCluster.start(clusterOptions);
    });
    const clusters = started.ok;
    const stacks = new Map<string, ClusterStack>();
    let failure = started.failure;
    if (failure === undefined && options.config !== undefined) {
      const config = options.config;
      const shared = { ...config, ...(options.log !== undefined && { log: options.log }) };
      const installed = await startAll(names, async (name) => {
        const cluster = clusters.find((c) => c.name === name) as SandboxCluster;
        const clusterConfig = config.clusters.find((c) => c.name === name);
        if (clusterConfig === undefined) throw new Error(`no configuration for cluster ${name}`);
        stacks.set(name, await startClusterStack(cluster, clusterConfig, shared));
      });
      failure = installed.failure;
    }
    if (failure !== undefined) {
      await Promise.all(clusters.map((c) => c.stop()));
      throw failure;
    }
    const sandbox = new Sandbox(clusters, dir, stacks, options.config);
    await sandbox.writeFiles();
    return sandbox;
  }

  /** A cluster by name; throws when there is none. */
  cluster(name: string): SandboxCluster {
    const found = this.clusters.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no sandbox cluster named "${name}"`);
    return found;
  }

  /** The Consul server, controllers, gateway and admin API of a cluster; throws for bare clusters. */
  stack(name: string): ClusterStack {
    const found = this.stacks.get(name);
    if (found === undefined) throw new Error(`sandbox cluster "${name}" runs no Consul`);
    return found;
  }

  /** The kubeconfig text for every cluster. */
  kubeconfig(): string {
    return renderKubeconfig(this.clusters);
  }

  /** Rewrites kubeconfig and sandbox.json (after components were attached). */
  async writeFiles(): Promise<void> {
    if (this.dir !== undefined) await writeSandboxFiles(this.dir, this.clusters);
  }

  /** Stops every cluster. */
  async stop(): Promise<void> {
    await Promise.all(this.clusters.map((c) => c.stop()));
  }
}
