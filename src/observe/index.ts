/**
 * Read-only observation of the clusters: Kubernetes through the ClusterReader port, Consul through
 * its HTTP API. Produces the ObservedState the pure planner diffs against; never writes.
 */
export {
  type ConsulConnector,
  type ConsulTarget,
  defaultConsulConnector,
  readSecretKey,
  readSecretValue,
} from './consul-access.ts';
export { type InstallDirectory, installDirectory } from './install-directory.ts';
export { type ObserveOptions, observeAll } from './observe-all.ts';
export { observeCluster } from './observe-cluster.ts';
export type * from './observed-state.ts';
export { readInstall } from './read-install.ts';
