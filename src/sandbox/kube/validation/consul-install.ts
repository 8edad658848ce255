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
   * The admin partitions served. Real consul-k8s serves exactly one partition per install
   * (`global.adminPartitions.name`); a sandbox cluster may still serve several.
   */
  readonly partitions: readonly string[];
  /** `global.adminPartitions.enabled`. */
  readonly partitionsEnabled: boolean;
  /** `global.enableConsulNamespaces`. */
  readonly namespacesEnabled: boolean;
}

/** Settings a sandbox sets from its Helm values; the defaults are the chart's. */
export interface ConsulInstallOptions {
  fullname?: string;
  /** Defaults to whether a partition other than `default` is served. */
  partitionsEnabled?: boolean;
  namespacesEnabled?: boolean;
}

/** The install facts for the served partitions and the given settings. */
export function consulInstall(
  partitions: readonly string[],
  options: ConsulInstallOptions = {},
): ConsulInstall {
  return {
    fullname: options.fullname ?? 'consul-consul',
    partitions: partitions.length > 0 ? partitions : ['default'],
    partitionsEnabled: options.partitionsEnabled ?? partitions.some((p) => p !== 'default'),
    namespacesEnabled: options.namespacesEnabled ?? false,
  };
}
