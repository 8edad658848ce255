/**
 * What the simulated consul-k8s webhooks know of their install: the fields of consul-k8s
 * control-plane/api/common ConsulMeta they use, and the chart's `consul.fullname` that prefixes the
 * peering webhooks' names (charts/consul/templates/connect-inject-mutatingwebhookconfiguration.yaml).
 */

/** The install facts the webhooks decide with. */
export interface ConsulInstall {
  /** `consul.fullname` (`consul-consul` for `helm install consul hashicorp/consul`). */
  readonly fullname: string;
  /**
   * The one admin partition the install serves (`global.adminPartitions.name`, ConsulMeta.Partition):
   * consul-k8s serves exactly one partition per install.
   */
  readonly partition: string;
  /** `global.adminPartitions.enabled`. */
  readonly partitionsEnabled: boolean;
  /** `global.enableConsulNamespaces`. */
  readonly namespacesEnabled: boolean;
}

/** Settings a sandbox sets from its Helm values; the defaults are the chart's. */
export interface ConsulInstallOptions {
  fullname?: string;
  /** `global.adminPartitions.name` (chart default `default`). */
  partition?: string;
  /** Defaults to whether the partition served is not `default`. */
  partitionsEnabled?: boolean;
  namespacesEnabled?: boolean;
}

/** The install facts for the given settings. */
export function consulInstall(options: ConsulInstallOptions = {}): ConsulInstall {
  const partition = options.partition ?? 'default';
  return {
    fullname: options.fullname ?? 'consul-consul',
    partition,
    partitionsEnabled: options.partitionsEnabled ?? partition !== 'default',
    namespacesEnabled: options.namespacesEnabled ?? false,
  };
}
