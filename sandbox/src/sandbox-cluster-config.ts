/**
 * One resolved sandbox cluster (one Consul install in its own Kubernetes cluster) and what the
 * consul chart makes of its values: fullname, switches and replica counts.
 */

import { mergeValues } from '../../src/kube/helm-release.ts';
import {
  consulFullname,
  type InstallValues,
  installValues,
  valueAt,
} from '../../src/resources/consul-chart.ts';
import { chartFailure } from './helm/chart-failures.ts';
import { consulChartDefaults } from './helm/consul-helm-release.ts';

/** Consul and chart versions of a default sandbox cluster. */
export const DEFAULT_CONSUL_VERSION = '1.20.1';
/** The consul-k8s chart that ships Consul 1.20. */
export const DEFAULT_CHART_VERSION = '1.6.2';

/** A catalog service registered in a cluster's Consul (in `partition`, default `default`). */
export interface SandboxService {
  readonly name: string;
  readonly partition?: string | undefined;
  readonly namespace?: string | undefined;
  readonly instances?: number | undefined;
}

/** One cluster (one install in its own Kubernetes cluster) with every default resolved. */
export interface SandboxClusterConfig {
  /** The sandbox cluster's name, which is also its kube context. */
  readonly name: string;
  readonly datacenter: string;
  readonly enterprise: boolean;
  /** Every admin partition of the datacenter, `default` first (only `default` on Community Edition). */
  readonly partitions: readonly string[];
  /** The one partition this install's consul-k8s serves (`global.adminPartitions.name`). */
  readonly partition: string;
  /** For a partition install: the sandbox cluster of its datacenter's own install (the servers). */
  readonly partitionOf?: { readonly cluster: string; readonly partition: string };
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

/** The effective Helm values of a cluster (chart defaults overlaid with the user values). */
export function effectiveValues(cluster: SandboxClusterConfig): Record<string, unknown> {
  return mergeValues(consulChartDefaults(cluster.helm.consulVersion), cluster.helm.values);
}

/** What the chart makes of a cluster's values: its fullname, switches and replica counts. */
export interface ClusterInstall {
  readonly fullname: string;
  readonly switches: InstallValues;
  readonly values: Record<string, unknown>;
  /** `server.enabled`: false on a partition install, whose servers run in its datacenter's own install. */
  readonly serverEnabled: boolean;
  readonly serverReplicas: number;
  readonly meshGatewayReplicas: number;
}

/** The install a cluster's configuration describes. */
export function clusterInstall(cluster: SandboxClusterConfig): ClusterInstall {
  const values = effectiveValues(cluster);
  const failure = chartFailure(values);
  if (failure !== undefined)
    throw new Error(`sandbox config: ${cluster.name}: helm refuses these values: ${failure}`);
  const count = (path: string) => {
    const n = Number(valueAt(values, path) ?? 1);
    return Number.isInteger(n) && n > 0 ? n : 1;
  };
  return {
    fullname: consulFullname(cluster.helm.release, values),
    switches: installValues(values),
    values,
    serverEnabled: valueAt(values, 'server.enabled') !== false,
    serverReplicas: count('server.replicas'),
    meshGatewayReplicas: count('meshGateway.replicas'),
  };
}
