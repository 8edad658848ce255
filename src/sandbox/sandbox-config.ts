/**
 * What a sandbox is made of: per cluster its datacenter, Helm release (chart and Consul versions,
 * user values), Enterprise partitions, ACLs and catalog services. Three sources: `--clusters N`
 * (the defaults, which run every example in desired-state-examples unchanged), `--config FILE`
 * (YAML checked with zod) or `--from peerings.yaml` (a sandbox matching a topology).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
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
    })
    .optional(),
  services: z.array(serviceSchema).optional(),
});

const configSchema = z.strictObject({
  clusters: z.array(clusterSchema).min(1).max(999),
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
    /** The user values stored in the release (the sandbox's defaults overlaid with the config's). */
    readonly values: Record<string, unknown>;
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

/** The values a sandbox installs with: peering, TLS, mesh gateways and connect-inject on. */
function sandboxUserValues(c: {
  datacenter: string;
  enterprise: boolean;
  acls: boolean;
  consulVersion: string;
}) {
  const image = c.enterprise
    ? `hashicorp/consul-enterprise:${c.consulVersion}-ent`
    : `hashicorp/consul:${c.consulVersion}`;
  return {
    global: {
      datacenter: c.datacenter,
      image,
      peering: { enabled: true },
      tls: { enabled: true, httpsOnly: c.acls },
      acls: { manageSystemACLs: c.acls },
      ...(c.enterprise && { adminPartitions: { enabled: true }, enableConsulNamespaces: true }),
    },
    connectInject: { enabled: true },
    meshGateway: { enabled: true, replicas: 1 },
  };
}

function resolveCluster(c: z.infer<typeof clusterSchema>): SandboxClusterConfig {
  const enterprise = c.enterprise ?? false;
  const datacenter = c.datacenter ?? c.name;
  const acls = typeof c.acls === 'boolean' ? { enabled: c.acls } : (c.acls ?? { enabled: false });
  const consulVersion = c.helm?.consulVersion ?? DEFAULT_CONSUL_VERSION;
  const defaults = sandboxUserValues({ datacenter, enterprise, acls: acls.enabled, consulVersion });
  const partitions = enterprise
    ? ['default', ...new Set((c.partitions ?? []).filter((p) => p !== 'default'))]
    : ['default'];
  return {
    name: c.name,
    datacenter,
    enterprise,
    partitions,
    acls: {
      enabled: acls.enabled,
      gatewayPolicyLacksPeeringRead:
        'gatewayPolicyLacksPeeringRead' in acls && acls.gatewayPolicyLacksPeeringRead === true,
    },
    helm: {
      release: c.helm?.release ?? 'consul',
      namespace: c.helm?.namespace ?? 'consul',
      chartVersion: c.helm?.chartVersion ?? DEFAULT_CHART_VERSION,
      consulVersion,
      values: mergeValues(defaults, c.helm?.values ?? {}),
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
    clusters: file.clusters.map(resolveCluster),
    // Consul's own intervals (peerstream/server.go: heartbeat every 15 s, 2 min timeout); tests and
    // benchmarks that need speed shorten them explicitly.
    consul: {
      heartbeatIntervalMs: file.consul?.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: file.consul?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
    controllers: { resyncMs: file.controllers?.resyncMs ?? 10_000 },
  };
}

/** The default sandbox of N clusters (cluster-01 ...). */
export function defaultSandboxConfig(count: number): SandboxConfig {
  if (!Number.isInteger(count) || count < 1 || count > 999)
    throw new Error('the number of sandbox clusters must be an integer from 1 to 999');
  return resolveSandboxConfig({
    clusters: Array.from({ length: count }, (_, i) => ({ name: clusterName(i + 1, count) })),
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
export function sandboxConfigFromTopology(topology: Topology): SandboxConfig {
  return resolveSandboxConfig({
    clusters: topology.clusters.map((c) => ({
      name: c.name,
      datacenter: c.consul.datacenter,
      enterprise: c.enterprise,
      partitions: [...c.partitions],
      acls: topology.acls.enabled,
      helm: { release: c.consul.release, namespace: c.consul.namespace },
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
