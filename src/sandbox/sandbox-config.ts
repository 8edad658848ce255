/**
 * What a sandbox is made of: per cluster its datacenter, Helm release (chart and Consul versions,
 * user values, installed with Helm or rendered with `helm template`), Enterprise partitions and
 * catalog services. What runs follows the Helm values as the chart would render them: names from
 * `consul.fullname`, TLS and httpsOnly, managed ACLs, `server.replicas`. The values are the chart's
 * defaults overlaid with the seed's example values (Consul's peering-on-Kubernetes example:
 * `global.name: consul`, peering, TLS, mesh gateway) or with `--helm-values FILE`, then with each
 * cluster's own. Three sources: `--clusters N`, `--config FILE` (YAML checked with zod) or
 * `--from peerings.yaml` (a sandbox matching a topology).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { consulFullname, type InstallValues, installValues, valueAt } from '../kube/consul-chart.ts';
import { mergeValues } from '../kube/helm-release.ts';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_IDLE_TIMEOUT_MS } from '../peering/index.ts';
import type { Topology } from '../topology/index.ts';
import { consulChartDefaults } from './helm/consul-helm-release.ts';

/** Consul and chart versions of a default sandbox cluster. */
export const DEFAULT_CONSUL_VERSION = '1.20.1';
/** The consul-k8s chart that ships Consul 1.20. */
export const DEFAULT_CHART_VERSION = '1.6.2';

const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label');
const version = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 1.20.1');

const serviceSchema = z.strictObject({
  name: z.string().min(1),
  partition: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  instances: z.number().int().min(0).max(100).optional(),
});

const clusterSchema = z.strictObject({
  name: dnsLabel,
  datacenter: dnsLabel.optional(),
  enterprise: z.boolean().optional(),
  partitions: z.array(dnsLabel).optional(),
  acls: z
    .union([
      z.boolean(),
      z.strictObject({ enabled: z.boolean(), gatewayPolicyLacksPeeringRead: z.boolean().optional() }),
    ])
    .optional(),
  helm: z
    .strictObject({
      release: dnsLabel.optional(),
      namespace: dnsLabel.optional(),
      chartVersion: version.optional(),
      consulVersion: version.optional(),
      values: z.record(z.string(), z.unknown()).optional(),
      /** `template`: rendered with `helm template` (Argo CD, Flux post-renderers), so no release Secret. */
      installedWith: z.enum(['helm', 'template']).optional(),
    })
    .optional(),
  services: z.array(serviceSchema).optional(),
});

type Values = Record<string, unknown>;

const configSchema = z.strictObject({
  clusters: z.array(clusterSchema).min(1).max(999),
  /** Helm values for every cluster, instead of the seed's example values (`sandbox up --helm-values`). */
  helmValues: z.record(z.string(), z.unknown()).optional(),
  consul: z
    .strictObject({
      heartbeatIntervalMs: z.number().int().min(10).optional(),
      idleTimeoutMs: z.number().int().min(100).optional(),
    })
    .optional(),
  controllers: z.strictObject({ resyncMs: z.number().int().min(10).optional() }).optional(),
});

/** The sandbox configuration file's shape (before defaults). */
export type SandboxConfigFile = z.infer<typeof configSchema>;

/** A catalog service registered in a cluster's Consul. */
export type SandboxService = z.infer<typeof serviceSchema>;

/** One cluster with every default resolved. */
export interface SandboxClusterConfig {
  readonly name: string;
  readonly datacenter: string;
  readonly enterprise: boolean;
  /** Every admin partition, `default` first (only `default` on Community Edition). */
  readonly partitions: readonly string[];
  readonly acls: { readonly enabled: boolean; readonly gatewayPolicyLacksPeeringRead: boolean };
  readonly helm: {
    readonly release: string;
    readonly namespace: string;
    readonly chartVersion: string;
    readonly consulVersion: string;
    /** The user values stored in the release (the base values overlaid with the cluster's). */
    readonly values: Record<string, unknown>;
    /** `template`: no release Secret, as with `helm template | kubectl apply`. */
    readonly installedWith: 'helm' | 'template';
  };
  readonly services: readonly SandboxService[];
}

/** A resolved sandbox configuration. */
export interface SandboxConfig {
  readonly clusters: readonly SandboxClusterConfig[];
  readonly consul: { readonly heartbeatIntervalMs: number; readonly idleTimeoutMs: number };
  readonly controllers: { readonly resyncMs: number };
}

/** The name of the i-th cluster (1-based), zero-padded to at least two digits. */
export function clusterName(index: number, total: number): string {
  const width = Math.max(2, String(total).length);
  return `cluster-${String(index).padStart(width, '0')}`;
}

/**
 * The seed's example values: Consul's peering-on-Kubernetes example (`global.name: consul`,
 * peering, TLS with the chart's httpsOnly default, mesh gateway, connect-inject).
 */
export function seedExampleValues(): Values {
  return {
    global: { name: 'consul', peering: { enabled: true }, tls: { enabled: true } },
    connectInject: { enabled: true },
    meshGateway: { enabled: true, replicas: 1 },
  };
}

/** What a cluster's place in the sandbox implies: its image, and the Enterprise and ACL switches. */
function impliedValues(c: { enterprise: boolean; acls: boolean; consulVersion: string }): Values {
  const image = c.enterprise
    ? `hashicorp/consul-enterprise:${c.consulVersion}-ent`
    : `hashicorp/consul:${c.consulVersion}`;
  return {
    global: {
      image,
      ...(c.acls && { acls: { manageSystemACLs: true } }),
      ...(c.enterprise && { adminPartitions: { enabled: true }, enableConsulNamespaces: true }),
    },
  };
}

function resolveCluster(c: z.infer<typeof clusterSchema>, base: Values): SandboxClusterConfig {
  const enterprise = c.enterprise ?? false;
  const datacenter = c.datacenter ?? c.name;
  const acls = typeof c.acls === 'boolean' ? { enabled: c.acls } : (c.acls ?? { enabled: false });
  const consulVersion = c.helm?.consulVersion ?? DEFAULT_CONSUL_VERSION;
  const implied = impliedValues({ enterprise, acls: acls.enabled, consulVersion });
  // Each sandbox cluster is its own datacenter, even when one values file serves them all.
  const values = mergeValues(mergeValues(mergeValues(implied, base), c.helm?.values ?? {}), {
    global: { datacenter },
  });
  const partitions = enterprise
    ? ['default', ...new Set((c.partitions ?? []).filter((p) => p !== 'default'))]
    : ['default'];
  return {
    name: c.name,
    datacenter,
    enterprise,
    partitions,
    acls: {
      enabled: valueAt(values, 'global.acls.manageSystemACLs') === true,
      gatewayPolicyLacksPeeringRead:
        'gatewayPolicyLacksPeeringRead' in acls && acls.gatewayPolicyLacksPeeringRead === true,
    },
    helm: {
      release: c.helm?.release ?? 'consul',
      namespace: c.helm?.namespace ?? 'consul',
      chartVersion: c.helm?.chartVersion ?? DEFAULT_CHART_VERSION,
      consulVersion,
      values,
      installedWith: c.helm?.installedWith ?? 'helm',
    },
    services: c.services ?? [],
  };
}

/** Applies the defaults to a checked configuration file. */
export function resolveSandboxConfig(file: SandboxConfigFile): SandboxConfig {
  const names = file.clusters.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`sandbox config: cluster "${dup}" is listed twice`);
  return {
    clusters: file.clusters.map((c) => resolveCluster(c, file.helmValues ?? seedExampleValues())),
    // Consul's own intervals (peerstream/server.go: heartbeat every 15 s, 2 min timeout); tests and
    // benchmarks that need speed shorten them explicitly.
    consul: {
      heartbeatIntervalMs: file.consul?.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: file.consul?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
    controllers: { resyncMs: file.controllers?.resyncMs ?? 10_000 },
  };
}

/** How every cluster of a sandbox is installed: one values file, another release, `helm template`. */
export interface InstallOptions {
  /** Helm values for every cluster instead of the seed's example values (`--helm-values`). */
  readonly helmValues?: Values;
  /** The Helm release of every cluster (`--release`). */
  readonly release?: string;
  /** `template`: rendered with `helm template`, so no release Secret (`--helm-template`). */
  readonly installedWith?: 'helm' | 'template';
}

function helmOf(options: InstallOptions, release: string, namespace = 'consul') {
  return {
    release: options.release ?? release,
    namespace,
    ...(options.installedWith !== undefined && { installedWith: options.installedWith }),
  };
}

/** The default sandbox of N clusters (cluster-01 ...). */
export function defaultSandboxConfig(count: number, options: InstallOptions = {}): SandboxConfig {
  if (!Number.isInteger(count) || count < 1 || count > 999)
    throw new Error('the number of sandbox clusters must be an integer from 1 to 999');
  return resolveSandboxConfig({
    ...(options.helmValues !== undefined && { helmValues: options.helmValues }),
    clusters: Array.from({ length: count }, (_, i) => ({
      name: clusterName(i + 1, count),
      helm: helmOf(options, 'consul'),
    })),
  });
}

/** Checks a YAML configuration text; errors name the field path (`clusters.1.helm.chartVersion: ...`). */
export function parseSandboxConfig(text: string, fileName: string): SandboxConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new Error(`${fileName}: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `${fileName}: ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new Error(lines.join('\n'));
  }
  return resolveSandboxConfig(result.data);
}

/** Reads and checks a sandbox configuration file. */
export async function loadSandboxConfig(file: string): Promise<SandboxConfig> {
  return parseSandboxConfig(await readFile(file, 'utf8'), file);
}

/** A sandbox matching a topology: its clusters, partitions, Enterprise and ACL settings, exports. */
export function sandboxConfigFromTopology(topology: Topology, options: InstallOptions = {}): SandboxConfig {
  return resolveSandboxConfig({
    ...(options.helmValues !== undefined && { helmValues: options.helmValues }),
    clusters: topology.clusters.map((c) => ({
      name: c.name,
      datacenter: c.consul.datacenter,
      enterprise: c.enterprise,
      partitions: [...c.partitions],
      acls: topology.acls.enabled,
      helm: helmOf(options, c.consul.release, c.consul.namespace),
      services: topology.exports
        .filter((e) => e.cluster === c.name)
        .flatMap((e) =>
          e.services
            .filter((s) => s.name !== '*')
            .map((s) => ({
              name: s.name,
              ...(c.enterprise && { partition: e.partition }),
              ...(s.namespace !== undefined && { namespace: s.namespace }),
            })),
        ),
    })),
  });
}

/** The effective Helm values of a cluster (chart defaults overlaid with the user values). */
export function effectiveValues(cluster: SandboxClusterConfig): Record<string, unknown> {
  return mergeValues(consulChartDefaults(cluster.helm.consulVersion), cluster.helm.values);
}

/** What the chart makes of a cluster's values: its fullname, switches and replica counts. */
export interface ClusterInstall {
  readonly fullname: string;
  readonly switches: InstallValues;
  readonly values: Record<string, unknown>;
  readonly serverReplicas: number;
  readonly meshGatewayReplicas: number;
}

/** The install a cluster's configuration describes. */
export function clusterInstall(cluster: SandboxClusterConfig): ClusterInstall {
  const values = effectiveValues(cluster);
  const count = (path: string) => {
    const n = Number(valueAt(values, path) ?? 1);
    return Number.isInteger(n) && n > 0 ? n : 1;
  };
  return {
    fullname: consulFullname(cluster.helm.release, values),
    switches: installValues(values),
    values,
    serverReplicas: count('server.replicas'),
    meshGatewayReplicas: count('meshGateway.replicas'),
  };
}
