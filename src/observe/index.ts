/**
 * Read-only observation of the clusters: Kubernetes through the ClusterReader port, Consul through
 * its HTTP API. Produces the ObservedState the pure planner diffs against; never writes. Reaching an
 * install (consul/consul-access.ts, consul/install-directory.ts, kube/read-install.ts) lives below.
 */
export { type ObserveOptions, observeAll } from './observe-all.ts';
export { observeCluster } from './observe-cluster.ts';
export type * from './observed-state.ts';
