/**
 * A sandbox: N simulated clusters named cluster-01, cluster-02, ... started together, with the
 * kubeconfig and sandbox.json that point clients at them. The demo, the integration tests and the
 * benchmarks all start one of these.
 */
import { join, resolve } from 'node:path';
import { SandboxCluster, type SandboxClusterOptions } from './sandbox-cluster.ts';
import { renderKubeconfig, writeSandboxFiles } from './sandbox-files.ts';

/** How to start a sandbox. */
export interface SandboxOptions {
  clusters: number;
  /** Where kubeconfig, sandbox.json and (with `persist`) the clusters' state live. */
  dir?: string;
  /** Keep objects across restarts in DIR/state/<cluster> (default true when `dir` is given). */
  persist?: boolean;
  kube?: SandboxClusterOptions['kube'];
}

/** The name of the i-th cluster (1-based), zero-padded to at least two digits. */
export function clusterName(index: number, total: number): string {
  const width = Math.max(2, String(total).length);
  return `cluster-${String(index).padStart(width, '0')}`;
}

/** A running set of simulated clusters. */
export class Sandbox {
  private constructor(
    readonly clusters: readonly SandboxCluster[],
    readonly dir: string | undefined,
  ) {}

  /** Starts every cluster (in parallel) and writes the sandbox files when a directory is given. */
  static async start(options: SandboxOptions): Promise<Sandbox> {
    if (!Number.isInteger(options.clusters) || options.clusters < 1 || options.clusters > 999) {
      throw new Error('the number of sandbox clusters must be an integer from 1 to 999');
    }
    const dir = options.dir === undefined ? undefined : resolve(options.dir);
    const persist = options.persist ?? dir !== undefined;
    const names = Array.from({ length: options.clusters }, (_, i) => clusterName(i + 1, options.clusters));
    const started = await Promise.allSettled(
      names.map((name) => {
        const clusterOptions: SandboxClusterOptions = { name };
        if (options.kube !== undefined) clusterOptions.kube = options.kube;
        if (persist && dir !== undefined) clusterOptions.stateDir = join(dir, 'state', name);
        return SandboxCluster.start(clusterOptions);
      }),
    );
    const clusters = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(clusters.map((c) => c.stop()));
      throw failure.reason;
    }
    const sandbox = new Sandbox(clusters, dir);
    await sandbox.writeFiles();
    return sandbox;
  }

  /** A cluster by name; throws when there is none. */
  cluster(name: string): SandboxCluster {
    const found = this.clusters.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no sandbox cluster named "${name}"`);
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
