/**
 * What a sandbox is made of: per cluster (one Consul install, in its own Kubernetes cluster) its
 * datacenter, Helm release (chart and Consul versions, user values, installed with Helm or rendered
 * with `helm template`), Enterprise partitions and catalog services. As consul-k8s serves one admin
 * partition per install, a non-default partition is a cluster of its own (`partitionOf`): a
 * partition install that reaches its datacenter's servers with `externalServers`. What runs
 * follows the Helm values as the chart would render them: names from `consul.fullname`, TLS and
 * httpsOnly, managed ACLs, `server.replicas`. The values are the chart's
 * defaults overlaid with the seed's example values (Consul's peering-on-Kubernetes example:
 * `global.name: consul`, peering, TLS, mesh gateway) or with `--helm-values FILE`, then with each
 * cluster's own. Three sources: `--clusters N`, `--config FILE` (YAML checked with zod) or
 * `--from peerings.yaml` (a sandbox matching a topology).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import * as z from 'zod';
import type { Topology } from '../../src/topology/index.ts';
import { CONTROLLER_RESYNC_MS } from './controllers/controller-loop.ts';
import {
  checkPartitionInstalls,
  resolvePartitionInstall,
  resolveServerInstall,
} from './install-resolution.ts';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_IDLE_TIMEOUT_MS } from './peering/index.ts';
import type { SandboxClusterConfig } from './sandbox-cluster-config.ts';

export {
  type ClusterInstall,
  clusterInstall,
  DEFAULT_CHART_VERSION,
  DEFAULT_CONSUL_VERSION,
  effectiveValues,
  type SandboxClusterConfig,
  type SandboxService,
} from './sandbox-cluster-config.ts';

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
  /** Admin partitions the cluster's servers host besides `default` (partition installs add theirs). */
  partitions: z.array(dnsLabel).optional(),
  /** A partition install: consul-k8s serving `partition` of the datacenter whose own install is `cluster`. */
  partitionOf: z.strictObject({ cluster: dnsLabel, partition: dnsLabel }).optional(),
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

/** Applies the defaults to a checked configuration file. */
export function resolveSandboxConfig(file: SandboxConfigFile): SandboxConfig {
  const names = file.clusters.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`sandbox config: cluster "${dup}" is listed twice`);
  checkPartitionInstalls(file.clusters);
  const base = file.helmValues ?? seedExampleValues();
  const servers = new Map(
    file.clusters
      .filter((c) => c.partitionOf === undefined)
      .map((c) => {
        const hosted = file.clusters.flatMap((p) =>
          p.partitionOf?.cluster === c.name ? [p.partitionOf.partition] : [],
        );
        return [c.name, resolveServerInstall(c, base, hosted)] as const;
      }),
  );
  return {
    clusters: file.clusters.map((c) => {
      const server = servers.get(c.partitionOf?.cluster ?? c.name);
      if (server === undefined) throw new Error(`sandbox config: ${c.name}: no server install`);
      return c.partitionOf === undefined
        ? server
        : resolvePartitionInstall(c, base, server, c.partitionOf.partition);
    }),
    // Consul's own intervals (peerstream/server.go: heartbeat every 15 s, 2 min timeout); tests and
    // benchmarks that need speed shorten them explicitly.
    consul: {
      heartbeatIntervalMs: file.consul?.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: file.consul?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
    controllers: { resyncMs: file.controllers?.resyncMs ?? CONTROLLER_RESYNC_MS },
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

/** A catalog service of one install, as the sandbox config lists it. */
type InstallService = { name: string; partition?: string; namespace?: string };

/**
 * The services each install's catalog needs for a topology: those it exports, those its failover
 * and intentions name, and the source services its intentions admit, registered in the peer's
 * install (found through the peerings: each endpoint's peerName is how the other side knows it).
 */
function servicesByInstall(topology: Topology): Map<string, InstallService[]> {
  const specs = new Map(topology.clusters.map((c) => [c.name, c]));
  const peerInstall = new Map<string, string>();
  for (const p of topology.peerings) {
    peerInstall.set(`${p.acceptor.install}|${p.dialer.peerName}`, p.dialer.install);
    peerInstall.set(`${p.dialer.install}|${p.acceptor.peerName}`, p.acceptor.install);
  }
  const byInstall = new Map<string, Map<string, InstallService>>();
  const add = (install: string | undefined, name: string, partition: string, namespace?: string) => {
    if (install === undefined || name === '*') return;
    const services = byInstall.get(install) ?? new Map<string, InstallService>();
    byInstall.set(install, services);
    services.set(`${partition}/${namespace ?? ''}/${name}`, {
      name,
      ...(specs.get(install)?.enterprise === true && { partition }),
      ...(namespace !== undefined && { namespace }),
    });
  };
  for (const e of topology.exports)
    for (const s of e.services) add(e.install, s.name, e.partition, s.namespace);
  for (const f of topology.failover) add(f.install, f.service, f.partition, f.namespace);
  for (const i of topology.intentions) {
    add(i.install, i.destination, i.partition, i.namespace);
    for (const s of i.sources) {
      const source = peerInstall.get(`${i.install}|${s.peer}`);
      add(source, s.service, specs.get(source ?? '')?.partition ?? 'default', s.namespace);
    }
  }
  return new Map([...byInstall].map(([install, services]) => [install, [...services.values()]]));
}

/**
 * A sandbox matching a topology: one cluster per install (named after the install's kube context,
 * as kubeconfig contexts are named after sandbox clusters), with its partitions, Enterprise and ACL
 * settings, and the services its exports and traffic settings name registered in its partition.
 */
export function sandboxConfigFromTopology(topology: Topology, options: InstallOptions = {}): SandboxConfig {
  const contextOf = new Map(topology.clusters.map((c) => [c.name, c.context]));
  const services = servicesByInstall(topology);
  return resolveSandboxConfig({
    ...(options.helmValues !== undefined && { helmValues: options.helmValues }),
    clusters: topology.clusters.map((c) => ({
      name: c.context,
      datacenter: c.consul.datacenter,
      enterprise: c.enterprise,
      ...(c.server === undefined
        ? { partitions: [...c.partitions] }
        : { partitionOf: { cluster: contextOf.get(c.server) ?? c.server, partition: c.partition } }),
      acls: topology.acls.enabled,
      helm: helmOf(options, c.consul.release, c.consul.namespace),
      services: services.get(c.name) ?? [],
    })),
  });
}
