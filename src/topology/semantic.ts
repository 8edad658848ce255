/** Semantic validation of a schema-valid peerings.yaml: every cross-reference and rule at once. */
import { aclIssues } from './check-acls.ts';
import { clusterIssues } from './check-clusters.ts';
import { exportIssues } from './check-exports.ts';
import { peeringIssues } from './check-peerings.ts';
import type { PathIssue } from './diagnostic.ts';
import { indexClusters } from './place-index.ts';
import type { TopologyFile } from './schema.ts';

/** Every semantic problem of the file, unsorted. */
export function semanticIssues(file: TopologyFile): PathIssue[] {
  const clusters = indexClusters(file);
  const peerings = peeringIssues(file, clusters);
  return [
    ...clusterIssues(file),
    ...peerings.issues,
    ...exportIssues(file, clusters, peerings.peersOf),
    ...aclIssues(file),
  ];
}
