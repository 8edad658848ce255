/**
 * Preconditions meshpeer cannot fix by itself (the install's values and versions, the mesh
 * gateway, how Consul is reached, ACL tokens). Each failure is a PlanError that names the fix; it
 * blocks that cluster's steps.
 */

import type { ObservedCluster } from '../observe/observed-state.ts';
import {
  fullnameOf,
  type InstallFacts,
  type InstallValues,
  installNames,
} from '../resources/consul-chart.ts';
import { type ClusterSpec, installPath, type Topology } from '../topology/index.ts';
import { aclErrors } from './acl-preconditions.ts';
import type { InstallNeeds } from './install-needs.ts';
import type { PlanError } from './plan.ts';
import { compareVersions } from './version.ts';

/** Minimum versions for cluster peering on Kubernetes. */
export const MIN_CONSUL_VERSION = '1.14.0';
/** Sameness groups (the SamenessGroup config entry) came with Consul Enterprise 1.16. */
export const MIN_SAMENESS_VERSION = '1.16.0';
/** consul-k8s 1.0 is the first chart with the peering CRDs as documented. */
export const MIN_CHART_VERSION = '1.0.0';

const requiredValues: ReadonlyArray<readonly [keyof InstallValues, string]> = [
  ['peeringEnabled', 'global.peering.enabled'],
  ['tlsEnabled', 'global.tls.enabled'],
  ['meshGatewayEnabled', 'meshGateway.enabled'],
  ['connectInjectEnabled', 'connectInject.enabled'],
];

function missingValues(install: InstallFacts, needs: InstallNeeds): string[] {
  const missing = requiredValues.filter(([key]) => !install.values[key]).map(([, path]) => path);
  if (needs.partition !== undefined && !install.values.adminPartitionsEnabled)
    missing.push('global.adminPartitions.enabled');
  if (needs.externalServers && !install.values.externalServersEnabled)
    missing.push('externalServers.enabled');
  if (needs.namespaces && !install.values.enableConsulNamespaces)
    missing.push('global.enableConsulNamespaces');
  return missing;
}

/** How to change values, in the words of the way Consul was installed. */
function valuesFix(cluster: ClusterSpec, install: InstallFacts, missing: readonly string[]): string {
  const { release, namespace } = cluster.consul;
  const sets = missing.map((m) => `--set ${m}=true`).join(' ');
  if (install.source === 'helm-release')
    return `helm upgrade ${release} hashicorp/consul -n ${namespace} --reuse-values ${sets}`;
  const rerender = `render Consul again with ${sets} (helm template ${release} hashicorp/consul -n ${namespace} ...) and sync it`;
  return install.source === 'declared'
    ? `${rerender}, then update ${installPath(cluster)}.consul.helmValues in peerings.yaml`
    : rerender;
}

/** Problems with a cluster's Consul install (also re-checked by the helm-values-check step). */
export function installErrors(
  cluster: ClusterSpec,
  install: InstallFacts | undefined,
  needs: InstallNeeds,
): PlanError[] {
  const { release, namespace } = cluster.consul;
  if (install === undefined) {
    return [
      {
        id: `helm/${cluster.name}`,
        code: 'consul_not_found',
        cluster: cluster.name,
        message: `no Consul install of release "${release}" in namespace ${namespace}: no Helm release Secret, no consul.helmValues in peerings.yaml, and no chart objects labelled release=${release}`,
        fix: `install Consul (helm install ${release} hashicorp/consul -n ${namespace}), set consul.release and consul.namespace for ${cluster.name}, or declare consul.helmValues for an install made with helm template`,
      },
    ];
  }
  const errors: PlanError[] = [];
  const missing = missingValues(install, needs);
  if (missing.length > 0) {
    const from =
      install.source === 'helm-release'
        ? `Helm release ${release} lacks`
        : `the ${install.source} values of ${release} lack`;
    errors.push({
      id: `helm/${cluster.name}`,
      code: 'helm_values',
      cluster: cluster.name,
      message: `${from} ${missing.map((m) => `${m}=true`).join(', ')}`,
      fix: valuesFix(cluster, install, missing),
    });
  }
  if (
    needs.partition !== undefined &&
    install.values.adminPartitionsEnabled &&
    install.partitionName !== needs.partition
  ) {
    errors.push({
      id: `partition/${cluster.name}`,
      code: 'partition_mismatch',
      cluster: cluster.name,
      message: `the install in kube context ${cluster.context} serves partition "${install.partitionName}", but peerings.yaml puts partition "${needs.partition}" there`,
      fix:
        needs.partition === 'default'
          ? `the cluster's own install serves the default partition (global.adminPartitions.name: default); declare the other partitions with the contexts of their installs`
          : `point ${installPath({ cluster: cluster.cluster, partition: needs.partition })}.context at the install with global.adminPartitions.name=${needs.partition}`,
    });
  }
  const old = [
    install.consulVersion !== undefined &&
      compareVersions(install.consulVersion, MIN_CONSUL_VERSION) < 0 &&
      `Consul ${install.consulVersion} (needs ${MIN_CONSUL_VERSION} or newer)`,
    install.chartVersion !== undefined &&
      compareVersions(install.chartVersion, MIN_CHART_VERSION) < 0 &&
      `chart ${install.chartVersion} (needs ${MIN_CHART_VERSION} or newer)`,
    needs.samenessGroups === true &&
      install.consulVersion !== undefined &&
      compareVersions(install.consulVersion, MIN_SAMENESS_VERSION) < 0 &&
      `Consul ${install.consulVersion} for sameness groups (needs ${MIN_SAMENESS_VERSION} or newer)`,
  ].filter((x): x is string => typeof x === 'string');
  if (old.length > 0) {
    errors.push({
      id: `version/${cluster.name}`,
      code: 'version_too_old',
      cluster: cluster.name,
      message: `cluster peering needs newer versions: ${old.join(', ')}`,
      fix: `helm upgrade ${release} hashicorp/consul -n ${namespace} --reuse-values --version <1.0 or newer>`,
    });
  }
  return errors;
}

function gatewayErrors(cluster: ClusterSpec, observed: ObservedCluster): PlanError[] {
  if (observed.install?.values.meshGatewayEnabled !== true) return [];
  const g = observed.gateway;
  if (g.found && g.readyReplicas > 0) return [];
  return [
    {
      id: `gateway/${cluster.name}`,
      code: 'gateway_not_ready',
      cluster: cluster.name,
      message: g.found
        ? `mesh gateway ${g.name} has ${g.readyReplicas}/${g.replicas} ready replicas`
        : `mesh gateway Deployment ${g.name} not found`,
      fix: `kubectl -n ${cluster.consul.namespace} rollout status deploy/${g.name} (peering traffic needs a ready mesh gateway)`,
    },
  ];
}

function consulErrors(cluster: ClusterSpec, observed: ObservedCluster): PlanError[] {
  const install = observed.install;
  const address = cluster.consul.address;
  if (address?.startsWith('http:') && install?.values.tlsEnabled && install.values.httpsOnly) {
    return [
      {
        id: `consul/${cluster.name}`,
        code: 'consul_http_disabled',
        cluster: cluster.name,
        message: `consul.address ${address} uses plain HTTP, but the install serves its API over HTTPS only (global.tls.httpsOnly)`,
        fix: `use the https port (8501) in consul.address for ${cluster.name}; meshpeer trusts the install's CA Secret ${install.caCert.secret} (or set consul.caCert)`,
      },
    ];
  }
  if (observed.consul.reachable) return [];
  const server = installNames(fullnameOf(cluster.consul, install)).server;
  const port = install === undefined || install.values.tlsEnabled ? 'https' : 'http';
  // A partition install has no server Service: meshpeer reaches its datacenter's servers.
  const via =
    address ??
    (cluster.server === undefined
      ? `the Kubernetes API's service proxy to Service ${server} (port ${port})`
      : `the server Service of ${cluster.server}, through that cluster's Kubernetes API`);
  return [
    {
      id: `consul/${cluster.name}`,
      code: 'consul_unreachable',
      cluster: cluster.name,
      message: `Consul HTTP API unreachable through ${via}: ${observed.consul.error}`,
      fix:
        address === undefined
          ? cluster.server === undefined
            ? `kubectl -n ${cluster.consul.namespace} get svc ${server} (it needs a ready server pod and port ${port}), or set ${installPath(cluster)}.consul.address`
            : `check the servers of ${cluster.server} (the partition's requests go through them), or set ${installPath(cluster)}.consul.address`
          : `check that ${address} answers from where meshpeer runs, or unset consul.address to go through the Kubernetes API`,
    },
  ];
}

/** Every failed precondition of one reachable cluster that takes part in the topology. */
export function clusterPreconditions(
  cluster: ClusterSpec,
  observed: ObservedCluster,
  topology: Topology,
  needs: InstallNeeds,
): PlanError[] {
  return [
    ...installErrors(cluster, observed.install, needs),
    ...gatewayErrors(cluster, observed),
    ...consulErrors(cluster, observed),
    ...aclErrors(cluster, observed, topology),
  ];
}

/** Plan notes about where an install's values came from, when not from a Helm release. */
export function installNotes(observed: ObservedCluster): string[] {
  const install = observed.install;
  if (install === undefined || install.source === 'helm-release') return [];
  if (install.source === 'declared')
    return [`no Helm release Secret for ${install.release}: using consul.helmValues from peerings.yaml`];
  return [
    `no Helm release Secret for ${install.release}: values inferred from the objects (${(install.evidence ?? []).join('; ')})`,
  ];
}
