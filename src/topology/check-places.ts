/** Checks that a cluster/partition reference names a declared cluster and one of its partitions. */
import type { PathIssue } from './diagnostic.ts';
import { peerNameProblem } from './names.ts';
import { type ClusterFacts, knownList } from './place-index.ts';

type Path = ReadonlyArray<string | number>;

/** Problems with a reference to `cluster` and `partition`, reported at the given paths. */
export function placeIssues(
  clusters: ReadonlyMap<string, ClusterFacts>,
  ref: { cluster: string; partition: string },
  at: { cluster: Path; partition: Path },
): PathIssue[] {
  const facts = clusters.get(ref.cluster);
  if (facts === undefined) {
    const problem = peerNameProblem(ref.cluster);
    const message =
      problem ??
      `unknown cluster "${ref.cluster}": declare it under clusters or use one of: ${knownList(clusters.keys())}`;
    return [{ path: at.cluster, code: problem ? 'invalid_value' : 'unknown_cluster', message }];
  }
  if (ref.partition === 'default') return [];
  if (!facts.enterprise) {
    return [
      {
        path: at.partition,
        code: 'partitions_require_enterprise',
        message: `partition "${ref.partition}" on cluster "${ref.cluster}" needs admin partitions, a Consul Enterprise feature: set enterprise: true on clusters[${facts.index}] or use the default partition`,
      },
    ];
  }
  if (!facts.partitions.has(ref.partition)) {
    return [
      {
        path: at.partition,
        code: 'unknown_partition',
        message: `cluster "${ref.cluster}" has no partition "${ref.partition}": add it to clusters[${facts.index}].partitions`,
      },
    ];
  }
  return [];
}
