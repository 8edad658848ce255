/**
 * How a run and its steps reach clusters. The composition root builds it (src/app/cluster-access.ts)
 * and hands it down, so the run layer never decides how a cluster is connected to.
 */
import type { ClusterClient } from '../kube/cluster-client.ts';
import type { StepContext } from '../steps/step-context.ts';
import type { AclSpec, ClusterSpec } from '../topology/index.ts';

/** Cluster clients and step contexts for the installs a run or a step job names. */
export interface ClusterAccess {
  /** Clients by install key; a key outside `specs` gets a client that fails every call. */
  clients(specs: readonly ClusterSpec[]): (cluster: string) => ClusterClient;
  /** The context a step runs in: these installs' clients and Consul clients with meshpeer's token. */
  stepContext(specs: readonly ClusterSpec[], acls: AclSpec): StepContext;
}
