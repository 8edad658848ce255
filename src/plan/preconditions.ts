/**
 * Preconditions meshpeer cannot fix by itself (Helm values, versions, the mesh gateway, its own
 * ACL token). Each failure is a PlanError that names the fix; it blocks that cluster's steps.
 */
import type { ObservedCluster } from '../observe/observed-state.ts';
import type { ClusterSpec, Topology } from '../topology/index.ts';
import type { PlanError } from './plan.ts';
import { compareVersions } from './version.ts';

/** Minimum versions for cluster peering on Kubernetes. */
export const MIN_CONSUL_VERSION = '1.14.0';
/** consul-k8s 1.0 is the first chart with the peering CRDs as documented. */
export const MIN_CHART_VERSION = '1.0.0';

const requiredValues = [
  ['peeringEnabled', 'global.peering.enabled'],
  ['tlsEnabled', 'global.tls.enabled'],
  ['meshGatewayEnabled', 'meshGateway.enabled'],
  ['connectInjectEnabled', 'connectInject.enabled'],
] as const;

/** Problems with a cluster's Consul Helm release (also re-checked by the helm-values-check step). */
export function helmErrors(
  cluster: ClusterSpec,
  helm: ObservedCluster['helm'],
  needsPartitions: boolean,
): PlanError[] {
  const { release, namespace } = cluster.consul;
  if (helm === undefined) {
    return [
      {
        id: `helm/${cluster.name}`,
        code: 'helm_missing',
        cluster: cluster.name,
        message: `no Helm release "${release}" in namespace ${namespace}`,
        fix: `install Consul with Helm (helm install ${release} hashicorp/consul -n ${namespace}), or set consul.release and consul.namespace for ${cluster.name}`,
      },
    ];
  }
  const errors: PlanError[] = [];
  const missing = requiredValues.filter(([key]) => !helm.values[key]).map(([, value]) => value);
  if (needsPartitions && !helm.values.adminPartitionsEnabled)
    missing.push('global.adminPartitions.enabled' as never);
  if (missing.length > 0) {
    errors.push({
      id: `helm/${cluster.name}`,
      code: 'helm_values',
      cluster: cluster.name,
      message: `Helm release ${release} lacks ${missing.map((m) => `${m}=true`).join(', ')}`,
      fix: `helm upgrade ${release} hashicorp/consul -n ${namespace} --reuse-values ${missing.map((m) => `--set ${m}=true`).join(' ')}`,
    });
  }
  const old = [
    compareVersions(helm.consulVersion, MIN_CONSUL_VERSION) < 0 &&
      `Consul ${helm.consulVersion} (needs ${MIN_CONSUL_VERSION} or newer)`,
    compareVersions(helm.chartVersion, MIN_CHART_VERSION) < 0 &&
      `chart ${helm.chartVersion} (needs ${MIN_CHART_VERSION} or newer)`,
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
  if (observed.helm?.values.meshGatewayEnabled !== true) return [];
  const g = observed.gateway;
  if (g.found && g.readyReplicas > 0) return [];
  const name = `${cluster.consul.release}-mesh-gateway`;
  return [
    {
      id: `gateway/${cluster.name}`,
      code: 'gateway_not_ready',
      cluster: cluster.name,
      message: g.found
        ? `mesh gateway ${name} has ${g.readyReplicas}/${g.replicas} ready replicas`
        : `mesh gateway Deployment ${name} not found`,
      fix: `kubectl -n ${cluster.consul.namespace} rollout status deploy/${name} (peering traffic needs a ready mesh gateway)`,
    },
  ];
}

function aclErrors(cluster: ClusterSpec, observed: ObservedCluster, topology: Topology): PlanError[] {
  if (!topology.acls.enabled || !observed.consul.reachable) return [];
  const held = observed.consul.reconcilerPermissions ?? [];
  const missing = topology.acls.reconcilerRequires.filter((p) => !held.includes(p));
  if (missing.length === 0) return [];
  const ref = cluster.consul.aclToken;
  return [
    {
      id: `acl/${cluster.name}`,
      code: 'acl_permission',
      cluster: cluster.name,
      message: `meshpeer's Consul token lacks ${missing.join(', ')}`,
      fix: `add ${missing.map((p) => `${p.split(':')[0]} = "${p.split(':')[1]}"`).join(', ')} to a policy of the token in Secret ${ref?.namespace ?? cluster.consul.namespace}/${ref?.secret ?? '<aclToken>'}`,
    },
  ];
}

/** Every failed precondition of one reachable cluster that takes part in the topology. */
export function clusterPreconditions(
  cluster: ClusterSpec,
  observed: ObservedCluster,
  topology: Topology,
): PlanError[] {
  const needsPartitions = cluster.partitions.length > 1;
  const consul: PlanError[] = observed.consul.reachable
    ? []
    : [
        {
          id: `consul/${cluster.name}`,
          code: 'consul_unreachable',
          cluster: cluster.name,
          message: `Consul HTTP API unreachable: ${observed.consul.error}`,
          fix: `check Service ${cluster.consul.release}-server in namespace ${cluster.consul.namespace}, or set consul.address for ${cluster.name}`,
        },
      ];
  return [
    ...helmErrors(cluster, observed.helm, needsPartitions),
    ...gatewayErrors(cluster, observed),
    ...consul,
    ...aclErrors(cluster, observed, topology),
  ];
}
