/** Semantic validation of a schema-valid peerings.yaml: every cross-reference and rule at once. */
import { aclIssues } from './check-acls.ts';
import { clusterIssues } from './check-clusters.ts';
import { exportIssues } from './check-exports.ts';
import { failoverIssues } from './check-failover.ts';
import { intentionIssues } from './check-intentions.ts';
import { peeringIssues } from './check-peerings.ts';
import { samenessGroupIssues } from './check-sameness-groups.ts';
import type { PathIssue } from './diagnostic.ts';
import { indexClusters } from './place-index.ts';
import type { TopologyFile } from './schema.ts';
import { indexTraffic } from './traffic-index.ts';

/** Every semantic problem of the file, unsorted. */
export function semanticIssues(file: TopologyFile): PathIssue[] {
  const clusters = indexClusters(file);
  const peerings = peeringIssues(file, clusters);
  const traffic = indexTraffic(file);
  return [
    ...clusterIssues(file),
    ...peerings.issues,
    ...exportIssues(file, clusters, peerings.peersOf, traffic),
    ...samenessGroupIssues(file, clusters, peerings.links),
    ...intentionIssues(file, clusters, peerings.links, traffic),
    ...failoverIssues(file, clusters, peerings.links, traffic),
    ...aclIssues(file),
  ];
}
