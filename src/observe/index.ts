/**
 * Read-only observation of the clusters: Kubernetes through the ClusterReader port, Consul through
 * its HTTP API. Produces the ObservedState the pure planner diffs against; never writes.
 */
export { type ObserveOptions, observeAll } from './observe-all.ts';
export {
  type ConsulConnector,
  defaultConsulConnector,
  observeCluster,
  readSecretValue,
} from './observe-cluster.ts';
export type * from './observed-state.ts';
