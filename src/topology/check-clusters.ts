/** Semantic checks on the clusters section: unique names, partitions only on Enterprise. */
import type { PathIssue } from './diagnostic.ts';
import type { TopologyFile } from './schema.ts';

/** Problems in `clusters`. */
export function clusterIssues(file: TopologyFile): PathIssue[] {
  const issues: PathIssue[] = [];
  const first = new Map<string, number>();
  file.clusters.forEach((cluster, i) => {
    const seen = first.get(cluster.name);
    if (seen !== undefined) {
      issues.push({
        path: ['clusters', i, 'name'],
        code: 'duplicate_cluster',
        message: `cluster "${cluster.name}" is already declared at clusters[${seen}]: cluster names must be unique`,
      });
    } else first.set(cluster.name, i);
    issues.push(...partitionIssues(cluster, i));
  });
  return issues;
}

function partitionIssues(cluster: TopologyFile['clusters'][number], i: number): PathIssue[] {
  const partitions = cluster.partitions ?? [];
  if (partitions.length > 0 && !cluster.enterprise) {
    return [
      {
        path: ['clusters', i, 'partitions'],
        code: 'partitions_require_enterprise',
        message: `cluster "${cluster.name}" declares partitions but is not enterprise: admin partitions are a Consul Enterprise feature; set enterprise: true or remove partitions`,
      },
    ];
  }
  const issues: PathIssue[] = [];
  const names = new Set<string>();
  partitions.forEach((p, j) => {
    const name = typeof p === 'string' ? p : p.name;
    if (names.has(name)) {
      issues.push({
        path: ['clusters', i, 'partitions', j],
        code: 'duplicate_partition',
        message: `partition "${name}" is listed twice on cluster "${cluster.name}"`,
      });
    }
    names.add(name);
    if (typeof p !== 'string' && p.peerThroughMeshGateways !== undefined && name !== 'default') {
      issues.push({
        path: ['clusters', i, 'partitions', j, 'peerThroughMeshGateways'],
        code: 'peer_through_gateways_partition',
        message: `peerThroughMeshGateways cannot be set on partition "${name}": Consul only honours the mesh config entry's peering settings in the default partition`,
      });
    }
  });
  return issues;
}
