/**
 * A sandbox: simulated clusters started together, with the kubeconfig and sandbox.json that point
 * clients at them. With a configuration each cluster is one Consul install: a datacenter's own
 * (servers, Helm release, consul-k8s controllers, mesh gateway, admin API) or a partition install
 * (consul-k8s for one admin partition, using its datacenter's servers), started after the servers
 * it needs; with only a count each is a bare Kubernetes API emulator. The demo, the integration
 * tests and the benchmarks all start one of these.
 */
import { join, resolve } from 'node:path';
import { type ClusterStack, type StackSettings, startClusterStack } from './cluster-stack.ts';
import { startPartitionStack } from './partition-stack.ts';
import { SandboxCluster, type SandboxClusterOptions } from './sandbox-cluster.ts';
import { clusterName, type SandboxClusterConfig, type SandboxConfig } from './sandbox-config.ts';
import { renderKubeconfig, writeSandboxFiles } from './sandbox-files.ts';
import { SandboxTraffic } from './traffic/sandbox-traffic.ts';

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

/** A directory name for a cluster's state: kube context names may hold `/` or `:` (EKS ARNs). */
function stateDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Installs Consul into every cluster: the datacenters' own installs first (in parallel), then the
 * partition installs, which need their datacenter's servers running.
 */
async function installAll(
  clusters: readonly SandboxCluster[],
  config: SandboxConfig,
  shared: StackSettings,
  stacks: Map<string, ClusterStack>,
): Promise<unknown> {
  const cluster = (name: string) => clusters.find((c) => c.name === name) as SandboxCluster;
  const byName = new Map(config.clusters.map((c) => [c.name, c]));
  const named = (pick: (c: SandboxClusterConfig) => boolean) =>
    config.clusters.filter(pick).map((c) => c.name);
  const servers = await startAll(
    named((c) => c.partitionOf === undefined),
    async (name) => {
      stacks.set(
        name,
        await startClusterStack(cluster(name), byName.get(name) as SandboxClusterConfig, shared),
      );
    },
  );
  if (servers.failure !== undefined) return servers.failure;
  const partitions = await startAll(
    named((c) => c.partitionOf !== undefined),
    async (name) => {
      const own = byName.get(name) as SandboxClusterConfig;
      const serverName = own.partitionOf?.cluster ?? '';
      const stack = stacks.get(serverName);
      const serverConfig = byName.get(serverName);
      if (stack === undefined || serverConfig === undefined)
        throw new Error(`${name}: its datacenter's install ${serverName} runs no Consul`);
      const servers = { cluster: cluster(serverName), stack, config: serverConfig };
      stacks.set(name, await startPartitionStack(cluster(name), own, servers, shared));
    },
  );
  return partitions.failure;
}

/** Stops partition installs before the servers they use, so their controllers never outlive them. */
async function stopAll(clusters: readonly SandboxCluster[], stacks: ReadonlyMap<string, ClusterStack>) {
  const isPartition = (c: SandboxCluster) => stacks.get(c.name)?.server !== undefined;
  await Promise.all(clusters.filter(isPartition).map((c) => c.stop()));
  await Promise.all(clusters.filter((c) => !isPartition(c)).map((c) => c.stop()));
}

/** A health status the sandbox can give a service's checks. */
export type ServiceHealthStatus = 'passing' | 'warning' | 'critical';

/** A running set of simulated clusters. */
export class Sandbox {
  private dataPlane: SandboxTraffic | undefined;

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
      if (persist && dir !== undefined) clusterOptions.stateDir = join(dir, 'state', stateDirName(name));
      return SandboxCluster.start(clusterOptions);
    });
    const clusters = started.ok;
    const stacks = new Map<string, ClusterStack>();
    let failure = started.failure;
    if (failure === undefined && options.config !== undefined) {
      const shared = { ...options.config, ...(options.log !== undefined && { log: options.log }) };
      failure = await installAll(clusters, options.config, shared, stacks);
    }
    if (failure !== undefined) {
      await stopAll(clusters, stacks);
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

  /**
   * Service traffic between the installs' catalog services: `traffic.request(...)` connects from a
   * service of one cluster to a service name as its sidecar would (discovery chain, failover, mesh
   * gateways, the destination sidecar's intentions). Started on first use.
   */
  get traffic(): SandboxTraffic {
    if (this.dataPlane === undefined) {
      this.dataPlane = SandboxTraffic.start(
        [...this.stacks].map(([cluster, stack]) => ({
          cluster,
          datacenter: stack.consul.datacenter,
          partition: stack.partition,
          consul: stack.consul,
          gateway: stack.gateway,
        })),
      );
    }
    return this.dataPlane;
  }

  /**
   * Marks the checks of a service's instances in a cluster's install (of one instance, by service
   * ID) passing, warning or critical, as failing or recovering pods would; peers importing the
   * service see the change. Returns how many instances it covers; throws for an unknown service.
   */
  setServiceHealth(cluster: string, service: string, status: ServiceHealthStatus, instance?: string): number {
    const stack = this.stack(cluster);
    return stack.consul.faults.setServiceHealth(service, status, { partition: stack.partition, instance });
  }

  /** The kubeconfig text for every cluster. */
  kubeconfig(): string {
    return renderKubeconfig(this.clusters);
  }

  /** Rewrites kubeconfig and sandbox.json (after components were attached). */
  async writeFiles(): Promise<void> {
    if (this.dir !== undefined) await writeSandboxFiles(this.dir, this.clusters);
  }

  /** Stops the data plane, then every cluster (partition installs first). */
  async stop(): Promise<void> {
    await this.dataPlane?.stop();
    await stopAll(this.clusters, this.stacks);
  }
}
