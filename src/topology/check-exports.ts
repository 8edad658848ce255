/**
 * Semantic checks on exports: the place exists, services are unique, each consumer names exactly
 * one existing peer, partition or sameness group (declared for the place), and never the wildcard.
 */

import { placeIssues } from './check-places.ts';
import { unknownGroupIssue } from './check-sameness-groups.ts';
import type { PathIssue } from './diagnostic.ts';
import { placeKey } from './endpoint.ts';
import { type ClusterFacts, knownList } from './place-index.ts';
import type { TopologyFile } from './schema.ts';
import type { TrafficIndex } from './traffic-index.ts';

type ExportEntry = TopologyFile['exports'][number];
type Consumer = ExportEntry['services'][number]['consumers'][number];

/** The peer names and sameness groups an exporting place knows. */
interface Known {
  readonly peers: ReadonlySet<string>;
  readonly groups: ReadonlyMap<string, unknown>;
}

/** Problems in `exports`, given the peer names each place knows through its peerings. */
export function exportIssues(
  file: TopologyFile,
  clusters: ReadonlyMap<string, ClusterFacts>,
  peersOf: ReadonlyMap<string, ReadonlySet<string>>,
  traffic: TrafficIndex,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const places = new Map<string, number>();
  for (const [i, entry] of file.exports.entries()) {
    const base = ['exports', i];
    const located = placeIssues(clusters, entry, {
      cluster: [...base, 'cluster'],
      partition: [...base, 'partition'],
    });
    if (located.length > 0) {
      issues.push(...located);
      continue;
    }
    const key = placeKey(entry.cluster, entry.partition);
    const earlier = places.get(key);
    if (earlier !== undefined) {
      issues.push({
        path: base,
        code: 'duplicate_export',
        message: `exports for ${key} are already declared at exports[${earlier}]: merge their services into one entry`,
      });
      continue;
    }
    places.set(key, i);
    const facts = clusters.get(entry.cluster) as ClusterFacts;
    const groups = traffic.groups(key);
    issues.push(...serviceIssues(entry, i, facts, { peers: peersOf.get(key) ?? new Set(), groups }));
  }
  return issues;
}

function serviceIssues(entry: ExportEntry, i: number, facts: ClusterFacts, known: Known): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Map<string, number>();
  entry.services.forEach((service, j) => {
    const path = ['exports', i, 'services', j];
    if (service.namespace !== undefined && !facts.enterprise) {
      issues.push({
        path: [...path, 'namespace'],
        code: 'namespaces_require_enterprise',
        message: `service "${service.name}" sets a namespace, but Consul namespaces need Consul Enterprise: set enterprise: true on cluster "${entry.cluster}" or remove namespace`,
      });
    }
    const id = `${service.namespace ?? ''}/${service.name}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      issues.push({
        path: [...path, 'name'],
        code: 'duplicate_service',
        message: `service "${service.name}" is already exported at services[${earlier}]: merge their consumers`,
      });
    } else seen.set(id, j);
    service.consumers.forEach((c, k) => {
      issues.push(...consumerIssues(c, [...path, 'consumers', k], entry, facts, known));
    });
  });
  return issues;
}

function consumerIssues(
  c: Consumer,
  path: Array<string | number>,
  entry: ExportEntry,
  facts: ClusterFacts,
  { peers, groups }: Known,
): PathIssue[] {
  const set = (['peer', 'partition', 'samenessGroup'] as const).filter((k) => c[k] !== undefined);
  if (set.length !== 1) {
    return [
      {
        path,
        code: 'invalid_consumer',
        message: `a consumer sets exactly one of peer, partition or samenessGroup${set.length > 1 ? ` (this one sets ${set.join(' and ')})` : ''}`,
      },
    ];
  }
  const field = set[0] as 'peer' | 'partition' | 'samenessGroup';
  const value = c[field] as string;
  const at = [...path, field];
  if (value === '*') {
    return [
      {
        path: at,
        code: 'wildcard_consumer',
        message: `"*" is not allowed as a consumer ${field}: consul-k8s refuses wildcard consumers; list each ${field} by name`,
      },
    ];
  }
  if (field === 'peer') {
    if (peers.has(value)) return [];
    const known = peers.size > 0 ? `its peers are: ${knownList(peers)}` : 'it has no peerings';
    return [
      {
        path: at,
        code: 'export_without_peering',
        message: `${placeKey(entry.cluster, entry.partition)} has no peering with a peer named "${value}" (${known}): add a peering or fix the name`,
      },
    ];
  }
  if (!facts.enterprise) {
    return [
      {
        path: at,
        code: `${field === 'partition' ? 'partitions' : 'sameness_groups'}_require_enterprise`,
        message: `a ${field} consumer needs Consul Enterprise: set enterprise: true on cluster "${entry.cluster}" or export to a peer`,
      },
    ];
  }
  if (field === 'samenessGroup' && !groups.has(value))
    return [unknownGroupIssue(entry, value, groups.keys(), at)];
  if (field === 'partition' && !facts.partitions.has(value)) {
    return [
      {
        path: at,
        code: 'unknown_partition',
        message: `cluster "${entry.cluster}" has no partition "${value}": add it to clusters[${facts.index}].partitions`,
      },
    ];
  }
  return [];
}
