/** The data of a step job: the step (references only) and the cluster specs it touches. */
import type { Step } from '../plan/index.ts';
import type { AclSpec, ClusterSpec, Topology } from '../topology/index.ts';

/** What a step worker needs to run one step; holds no secret values. */
export interface StepJobData {
  readonly runId: string;
  readonly planHash: string;
  readonly step: Step;
  readonly clusters: readonly ClusterSpec[];
  readonly acls: AclSpec;
  /** Epoch ms after which waiting turns into failure. */
  readonly deadline: number;
}

/**
 * The installs a step reads or writes, with the server installs of partition installs among
 * them: a partition's Consul calls go through its datacenter's server Service.
 */
export function clustersOf(step: Step, topology: Topology): ClusterSpec[] {
  const names = new Set<string>([step.lane]);
  if (step.kind === 'token-transfer') names.add(step.params.from.cluster).add(step.params.to.cluster);
  if (step.kind === 'verify') names.add(step.params.acceptor.install).add(step.params.dialer.install);
  for (const c of topology.clusters) if (names.has(c.name) && c.server !== undefined) names.add(c.server);
  return topology.clusters.filter((c) => names.has(c.name));
}
