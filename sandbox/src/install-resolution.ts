/**
 * How a sandbox configuration entry becomes an install: a datacenter's own install (the servers,
 * hosting every partition of the datacenter, consul-k8s serving `default`) or a partition install
 * (consul-k8s serving one other partition, with `externalServers` and no servers of its own), each
 * with Helm values as the chart takes them: the implied image and switches, the values every
 * install of the sandbox shares, the partition values, then the cluster's own.
 */

import { mergeValues } from '../../src/kube/helm-release.ts';
import { valueAt } from '../../src/resources/consul-chart.ts';
import { partitionInstallValues, serverEnterpriseValues } from './helm/partition-install-values.ts';
import {
  clusterInstall,
  DEFAULT_CHART_VERSION,
  DEFAULT_CONSUL_VERSION,
  type SandboxClusterConfig,
  type SandboxService,
} from './sandbox-cluster-config.ts';

type Values = Record<string, unknown>;

/** One entry of a sandbox configuration file, as checked. */
export interface SandboxClusterEntry {
  readonly name: string;
  readonly datacenter?: string | undefined;
  readonly enterprise?: boolean | undefined;
  readonly partitions?: readonly string[] | undefined;
  readonly partitionOf?: { readonly cluster: string; readonly partition: string } | undefined;
  readonly acls?:
    | boolean
    | { enabled: boolean; gatewayPolicyLacksPeeringRead?: boolean | undefined }
    | undefined;
  readonly helm?:
    | {
        readonly release?: string | undefined;
        readonly namespace?: string | undefined;
        readonly chartVersion?: string | undefined;
        readonly consulVersion?: string | undefined;
        readonly values?: Record<string, unknown> | undefined;
        readonly installedWith?: 'helm' | 'template' | undefined;
      }
    | undefined;
  readonly services?: readonly SandboxService[] | undefined;
}

/** What a cluster's place in the sandbox implies: its image, and the Enterprise and ACL switches. */
function impliedValues(c: {
  enterprise: boolean;
  partitioned: boolean;
  acls: boolean;
  consulVersion: string;
}): Values {
  const image = c.enterprise
    ? `hashicorp/consul-enterprise:${c.consulVersion}-ent`
    : `hashicorp/consul:${c.consulVersion}`;
  return mergeValues(
    { global: { image, ...(c.acls && { acls: { manageSystemACLs: true } }) } },
    c.enterprise ? serverEnterpriseValues(c.partitioned) : {},
  );
}

/** The values and the settings around them shared by both kinds of install. */
function resolveInstall(
  c: SandboxClusterEntry,
  base: Values,
  install: { datacenter: string; enterprise: boolean; partitioned: boolean; partitionValues: Values },
): Omit<SandboxClusterConfig, 'name' | 'datacenter' | 'enterprise' | 'partitions' | 'partition'> {
  const acls = typeof c.acls === 'boolean' ? { enabled: c.acls } : (c.acls ?? { enabled: false });
  const consulVersion = c.helm?.consulVersion ?? DEFAULT_CONSUL_VERSION;
  const implied = impliedValues({ ...install, acls: acls.enabled, consulVersion });
  // Each datacenter is its own, even when one values file serves every cluster of the sandbox.
  const shared = mergeValues(mergeValues(implied, base), install.partitionValues);
  const values = mergeValues(mergeValues(shared, c.helm?.values ?? {}), {
    global: { datacenter: install.datacenter },
  });
  return {
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

/** A datacenter's own install: it runs the servers, which host every partition of the datacenter. */
export function resolveServerInstall(
  c: SandboxClusterEntry,
  base: Values,
  hosted: readonly string[],
): SandboxClusterConfig {
  const enterprise = c.enterprise ?? false;
  const datacenter = c.datacenter ?? c.name;
  const partitions = enterprise
    ? ['default', ...new Set([...(c.partitions ?? []), ...hosted].filter((p) => p !== 'default'))]
    : ['default'];
  return {
    name: c.name,
    datacenter,
    enterprise,
    partitions,
    partition: 'default',
    ...resolveInstall(c, base, {
      datacenter,
      enterprise,
      partitioned: partitions.length > 1,
      partitionValues: {},
    }),
  };
}

/** Why a partition install cannot be served by the cluster it names, or undefined. */
function partitionOfProblem(
  c: SandboxClusterEntry,
  server: SandboxClusterEntry | undefined,
): string | undefined {
  const of = c.partitionOf;
  if (of === undefined) return undefined;
  if (server === undefined)
    return `partitionOf names "${of.cluster}", which is not a cluster of this sandbox`;
  if (server.partitionOf !== undefined)
    return `partitionOf names "${of.cluster}", itself a partition install: name the datacenter's own install`;
  if (server.enterprise !== true)
    return `admin partitions need Consul Enterprise: set enterprise: true on ${of.cluster}`;
  if (of.partition === 'default') return `the default partition is served by ${of.cluster}'s own install`;
  if (c.datacenter !== undefined && c.datacenter !== (server.datacenter ?? server.name))
    return `a partition install belongs to the datacenter of ${of.cluster}; leave datacenter out`;
  return undefined;
}

/**
 * A partition install: consul-k8s for one partition, with the switches every install of the sandbox
 * shares (base values), pointed at its datacenter's servers with externalServers.
 */
export function resolvePartitionInstall(
  c: SandboxClusterEntry,
  base: Values,
  server: SandboxClusterConfig,
  partition: string,
): SandboxClusterConfig {
  const serverInstall = clusterInstall(server);
  const domain = valueAt(serverInstall.values, 'global.domain');
  const partitionValues = partitionInstallValues({
    partition,
    server: {
      fullname: serverInstall.fullname,
      namespace: server.helm.namespace,
      datacenter: server.datacenter,
      domain: typeof domain === 'string' && domain !== '' ? domain : 'consul',
      tlsEnabled: serverInstall.switches.tlsEnabled,
    },
  });
  const resolved = resolveInstall(c, base, {
    datacenter: server.datacenter,
    enterprise: true,
    partitioned: true,
    partitionValues,
  });
  if (resolved.acls.enabled)
    throw new Error(`sandbox config: ${c.name}: managed ACLs for partition installs are not simulated yet`);
  return {
    name: c.name,
    datacenter: server.datacenter,
    enterprise: true,
    partitions: server.partitions,
    partition,
    partitionOf: { cluster: server.name, partition },
    ...resolved,
  };
}

/** Refuses partition installs that name no server install, share a partition, or serve `default`. */
export function checkPartitionInstalls(clusters: readonly SandboxClusterEntry[]): void {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const served = new Set<string>();
  for (const c of clusters) {
    const problem = partitionOfProblem(c, byName.get(c.partitionOf?.cluster ?? ''));
    if (problem !== undefined) throw new Error(`sandbox config: ${c.name}: ${problem}`);
    if (c.partitionOf === undefined) continue;
    const key = `${c.partitionOf.cluster}/${c.partitionOf.partition}`;
    if (served.has(key))
      throw new Error(
        `sandbox config: ${c.name}: partition ${key} already has an install (one per partition)`,
      );
    served.add(key);
  }
}
