/**
 * Finds the live traffic resource a declared setting refers to. A ServiceIntentions is found by its
 * destination, whatever the object is called (consul-k8s admits one per destination,
 * serviceintentions_webhook.go); a ServiceResolver and a SamenessGroup by name, since consul-k8s
 * takes the Consul name from the object's (serviceresolver_types.go, samenessgroup_types.go).
 * Objects being deleted are never found: a new one is planned and the executor waits.
 */
import type {
  IntentionsFacts,
  ObservedCluster,
  ResolverFacts,
  SamenessGroupFacts,
} from '../observe/observed-state.ts';
import { resolverNamespace, sameDestination } from '../resources/traffic-resources.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { FailoverSpec, IntentionSpec } from '../topology/topology.ts';

/** The live ServiceIntentions of a destination. */
export function findIntentions(observed: ObservedCluster, entry: IntentionSpec): IntentionsFacts | undefined {
  const want = { name: entry.destination, namespace: entry.namespace };
  return observed.intentions.find(
    (i) => !i.deleting && sameDestination({ name: i.destination, namespace: i.destinationNamespace }, want),
  );
}

/**
 * The live resolver of a service: in the namespace it would be created in, else (for a service in
 * no named namespace) the one of its name wherever it lives, as the executor looks it up.
 */
export function findResolver(
  spec: ClusterSpec,
  observed: ObservedCluster,
  entry: FailoverSpec,
): ResolverFacts | undefined {
  const named = observed.resolvers.filter((r) => r.name === entry.service && !r.deleting);
  const ns = resolverNamespace(spec, entry);
  return named.find((r) => r.namespace === ns) ?? (entry.namespace === undefined ? named[0] : undefined);
}

/** The live SamenessGroup of a name. */
export function findSamenessGroup(observed: ObservedCluster, name: string): SamenessGroupFacts | undefined {
  return observed.samenessGroups.find((g) => g.name === name && !g.deleting);
}
