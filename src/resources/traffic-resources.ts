/**
 * Builders for the traffic resources meshpeer writes: ServiceIntentions (meshpeer's sources of one
 * destination), ServiceResolver (meshpeer's failover of one service) and SamenessGroup, as the
 * consul-k8s CRDs define them (control-plane/api/v1alpha1/serviceintentions_types.go,
 * serviceresolver_types.go, samenessgroup_types.go). Pure: the planner uses them to compare, the
 * executors to write; each executor merges meshpeer's part into what others wrote.
 */
import type { ClusterSpec } from '../topology/index.ts';
import type { FailoverSpec, IntentionSpec, SamenessGroupSpec, SamenessMember } from '../topology/topology.ts';
import {
  CONSUL_API_VERSION,
  type KubeObject,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from './consul-resources.ts';
import type { IntentionSourceEntry } from './service-intentions-merge.ts';

/**
 * Marks a ServiceResolver whose `spec.failover['*']` meshpeer wrote: meshpeer owns that one key of an
 * adopted resolver and nothing else (subsets, redirect, timeouts and other failover keys are others').
 */
export const OWNED_FAILOVER_ANNOTATION = 'meshpeer.dev/owned-failover';
/** The failover key meshpeer writes: Consul applies `*` to every subset not listed by name. */
export const FAILOVER_ANY_SUBSET = '*';
/** consul-k8s refuses a SamenessGroup outside namespace `default` (samenessgroup_types.go Validate). */
export const SAMENESS_GROUP_NAMESPACE = 'default';

const managedLabels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };

/** meshpeer's sources of one destination, in the CRD's field names (`name` is the source service). */
export function intentionSources(entry: IntentionSpec): IntentionSourceEntry[] {
  return entry.sources.map((s) => ({
    name: s.service,
    ...(s.namespace !== undefined && { namespace: s.namespace }),
    peer: s.peer,
    action: s.action,
  }));
}

/**
 * meshpeer's sources of the ServiceIntentions of one destination, named after it, in `namespace`
 * (where an existing one lives; the Consul namespace for a new one). The executor merges them into
 * the destination's one ServiceIntentions, whoever created it.
 */
export function serviceIntentionsResource(
  cluster: ClusterSpec,
  entry: IntentionSpec,
  namespace = cluster.consul.namespace,
): KubeObject {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind: 'ServiceIntentions',
    metadata: { name: entry.destination, namespace, labels: managedLabels },
    spec: {
      destination: {
        name: entry.destination,
        ...(entry.namespace !== undefined && { namespace: entry.namespace }),
      },
      sources: intentionSources(entry),
    },
  };
}

/** The `spec.failover['*']` meshpeer declares: ordered peer targets, or a sameness group. */
export function failoverOf(entry: FailoverSpec): Readonly<Record<string, unknown>> {
  if (entry.samenessGroup !== undefined) return { samenessGroup: entry.samenessGroup };
  return { targets: entry.targets.map((t) => ({ peer: t.peer })) };
}

/**
 * The Kubernetes namespace of a new ServiceResolver. consul-k8s maps a resolver to the Consul
 * namespace of the Kubernetes namespace it lives in (serviceresolver_types.go ConsulMirroringNS):
 * a service in a named Consul namespace gets its resolver in the Kubernetes namespace of that name,
 * as namespace mirroring without a prefix does. Simplified: other mirroring prefixes and a fixed
 * destination namespace (namespaces.ConsulNamespace) are not modelled.
 */
export function resolverNamespace(cluster: ClusterSpec, entry: FailoverSpec): string {
  return entry.namespace ?? cluster.consul.namespace;
}

/**
 * meshpeer's failover of one service in the ServiceResolver named after it (consul-k8s uses the
 * object's name as the service, serviceresolver_types.go ConsulName), in `namespace`. Only
 * `spec.failover['*']` is meshpeer's: the executor writes it into an existing resolver and keeps
 * every other field.
 */
export function serviceResolverResource(
  cluster: ClusterSpec,
  entry: FailoverSpec,
  namespace = resolverNamespace(cluster, entry),
): KubeObject {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind: 'ServiceResolver',
    metadata: {
      name: entry.service,
      namespace,
      labels: managedLabels,
      annotations: { [OWNED_FAILOVER_ANNOTATION]: FAILOVER_ANY_SUBSET },
    },
    spec: { failover: { [FAILOVER_ANY_SUBSET]: failoverOf(entry) } },
  };
}

/** A member as the CRD holds it: exactly one of `partition` or `peer`. */
export function samenessMember(m: SamenessMember): { partition: string } | { peer: string } {
  return 'peer' in m ? { peer: m.peer } : { partition: m.partition };
}

/**
 * A SamenessGroup named after the group, in namespace `default`. One meshpeer creates carries the
 * managed label and is meshpeer's; an existing unlabelled one is adopted for the declared fields
 * only (`adopt` leaves the label off), so it is never pruned. The three fields are the whole spec
 * (samenessgroup_types.go SamenessGroupSpec); both booleans are written, since `false` is what
 * peerings.yaml declares and an absent field reads as false.
 */
export function samenessGroupResource(entry: SamenessGroupSpec, adopt = false): KubeObject {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind: 'SamenessGroup',
    metadata: {
      name: entry.name,
      namespace: SAMENESS_GROUP_NAMESPACE,
      labels: adopt ? {} : managedLabels,
    },
    spec: {
      defaultForFailover: entry.defaultForFailover,
      includeLocal: entry.includeLocal,
      members: entry.members.map(samenessMember),
    },
  };
}

/** `spec.destination` of a live or desired ServiceIntentions. */
export function destinationOf(o: { readonly spec?: Readonly<Record<string, unknown>> }): {
  readonly name: string;
  readonly namespace?: string;
} {
  const d = (o.spec?.destination ?? {}) as { name?: unknown; namespace?: unknown };
  const namespace = typeof d.namespace === 'string' && d.namespace !== '' ? d.namespace : undefined;
  return { name: typeof d.name === 'string' ? d.name : '', ...(namespace !== undefined && { namespace }) };
}

/**
 * Whether two destinations are the same Consul service; an unset namespace is `default`, the
 * namespace the consul-k8s webhook fills in without mirroring (serviceintentions_types.go
 * DefaultNamespaceFields). Simplified: with namespace mirroring the webhook fills in the object's
 * Kubernetes namespace instead, which this comparison does not model.
 */
export function sameDestination(
  a: { readonly name: string; readonly namespace?: string | undefined },
  b: { readonly name: string; readonly namespace?: string | undefined },
): boolean {
  return a.name === b.name && (a.namespace ?? 'default') === (b.namespace ?? 'default');
}
