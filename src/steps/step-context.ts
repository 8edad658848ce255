/** What executors may use: cluster clients, Consul clients, cluster specs and a clock; nothing else. */
import type { ConsulClient } from '../consul/consul-client.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import type { InstallFacts } from '../resources/consul-chart.ts';
import type { AclSpec, ClusterSpec } from '../topology/index.ts';

/** Ports an executor runs against. */
export interface StepContext {
  readonly cluster: (name: string) => ClusterClient;
  readonly spec: (name: string) => ClusterSpec;
  /** The cluster's Consul install (names and values), read once per context. */
  readonly install: (name: string) => Promise<InstallFacts | undefined>;
  /** A Consul client carrying meshpeer's ACL token for that cluster (when ACLs are on). */
  readonly consul: (name: string) => Promise<ConsulClient>;
  readonly acls: AclSpec;
  readonly now: () => number;
}
