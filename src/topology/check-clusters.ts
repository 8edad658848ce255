/**
 * Semantic checks on the clusters section: unique names, partitions only on Enterprise, each
 * non-default partition with its own install (consul-k8s serves one partition per install, see
 * control-plane/subcommand and charts/consul values `global.adminPartitions.name`), and no two
 * installs in one kube context.
 */
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
  return [...issues, ...contextIssues(file)];
}

/** The old form: a partition as a namespace of the server cluster, without an install of its own. */
function migrationMessage(cluster: string, partition: string): string {
  return `partition "${partition}" of cluster "${cluster}" names no install: consul-k8s serves one admin partition per install (global.adminPartitions.name), so give it the kube context where its install runs, e.g. - { name: ${partition}, context: ${cluster}-${partition} }; meshpeer no longer keeps a partition's resources in a namespace of the server cluster`;
}

/** Every install's kube context (and kubeconfig), with where it is declared. */
function installContexts(file: TopologyFile) {
  // A cluster declared twice is reported as such, not as a context collision too.
  const firsts = file.clusters.filter((c, i) => file.clusters.findIndex((x) => x.name === c.name) === i);
  return firsts.flatMap((c) => {
    const i = file.clusters.indexOf(c);
    return installsIn(c, i);
  });
}

function installsIn(c: TopologyFile['clusters'][number], i: number) {
  return [
    {
      key: `${c.kubeconfig ?? ''}\0${c.context ?? c.name}`,
      context: c.context ?? c.name,
      path: c.context === undefined ? ['clusters', i, 'name'] : ['clusters', i, 'context'],
      what: c.name,
    },
    ...(c.partitions ?? []).flatMap((p, j) =>
      typeof p === 'string' || p.context === undefined || p.name === 'default'
        ? []
        : [
            {
              key: `${p.kubeconfig ?? c.kubeconfig ?? ''}\0${p.context}`,
              context: p.context,
              path: ['clusters', i, 'partitions', j, 'context'],
              what: `${c.name}/${p.name}`,
            },
          ],
    ),
  ];
}

/** One kube context holds one consul-k8s install, so two installs never share one. */
function contextIssues(file: TopologyFile): PathIssue[] {
  const seen = new Map<string, string>();
  const issues: PathIssue[] = [];
  for (const install of installContexts(file)) {
    const earlier = seen.get(install.key);
    if (earlier === undefined) {
      seen.set(install.key, install.what);
      continue;
    }
    issues.push({
      path: install.path,
      code: 'install_context_collision',
      message: `kube context "${install.context}" already holds the install of ${earlier}: one consul-k8s install serves one partition, so ${install.what} needs the context of its own install`,
    });
  }
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
    if (name !== 'default' && (typeof p === 'string' || p.context === undefined)) {
      issues.push({
        path: ['clusters', i, 'partitions', j],
        code: 'partition_install_missing',
        message: migrationMessage(cluster.name, name),
      });
    }
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
