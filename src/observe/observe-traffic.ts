/**
 * Reads an install's ServiceIntentions, ServiceResolvers and SamenessGroups, in every namespace:
 * consul-k8s admits one of each per Consul name wherever it lives (its webhooks list all namespaces).
 * A kind is read only when the install declares something of it, or when pruning may have to find
 * meshpeer's leftovers. A read made only for pruning never fails the observation: an install whose
 * chart predates a CRD (SamenessGroup came with consul-k8s 1.2) or whose RBAC for meshpeer does not
 * list the kind yet has, as far as meshpeer can tell, nothing of it to prune.
 */
import type { ClusterReader, LiveObject } from '../kube/cluster-client.ts';
import { CONSUL_API_VERSION } from '../resources/consul-resources.ts';
import type { ClusterSpec, Topology } from '../topology/index.ts';
import type { ObservedCluster } from './observed-state.ts';
import { intentionsFacts, resolverFacts, samenessGroupFacts } from './traffic-facts.ts';

/** What the traffic part of an observation adds to an ObservedCluster. */
export type TrafficFacts = Pick<ObservedCluster, 'intentions' | 'resolvers' | 'samenessGroups'>;

async function readKind(
  kube: ClusterReader,
  kind: string,
  declared: boolean,
  prune: boolean,
): Promise<LiveObject[]> {
  if (!declared && !prune) return [];
  if (declared) return kube.list(CONSUL_API_VERSION, kind, '');
  try {
    return await kube.list(CONSUL_API_VERSION, kind, '');
  } catch {
    return [];
  }
}

/** The traffic resources of one install, as far as its part of the topology needs them. */
export async function observeTraffic(
  kube: ClusterReader,
  spec: ClusterSpec,
  topology: Topology,
): Promise<TrafficFacts> {
  const mine = <T extends { install: string }>(list: readonly T[]) =>
    list.some((x) => x.install === spec.name);
  const prune = topology.prune.enabled;
  const [intentions, resolvers, groups] = await Promise.all([
    readKind(kube, 'ServiceIntentions', mine(topology.intentions), prune),
    readKind(kube, 'ServiceResolver', mine(topology.failover), prune),
    readKind(kube, 'SamenessGroup', mine(topology.samenessGroups), prune),
  ]);
  return {
    intentions: intentions.map(intentionsFacts),
    resolvers: resolvers.map(resolverFacts),
    samenessGroups: groups.map(samenessGroupFacts),
  };
}
