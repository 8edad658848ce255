/**
 * Semantic checks on sameness groups, after consul-k8s api/v1alpha1/samenessgroup_types.go
 * (Validate: at least one member, each exactly one of partition or peer, members unique, the local
 * partition a member; "the local partition can only be a member of a single sameness group") and
 * Consul, which refuses them outside Enterprise (agent/structs/config_entry_sameness_group_ce.go),
 * has them from 1.16, and indexes one default-for-failover group per partition.
 */
import type { PeerLinks } from './check-peerings.ts';
import { versionBelow } from './consul-version.ts';
import type { PathIssue } from './diagnostic.ts';
import { placeKey, placeLabel } from './endpoint.ts';
import { samenessGroupNameProblem } from './names.ts';
import { type ClusterFacts, knownList } from './place-index.ts';
import type { SamenessGroupEntry, TopologyFile } from './schema.ts';
import { locatedEntries, unknownPeerIssue, wildcardPeerIssue } from './traffic-place.ts';

type Path = ReadonlyArray<string | number>;
type Place = { cluster: string; partition: string };

/** Sameness groups on a cluster without Enterprise, or with a declared Consul older than 1.16. */
export function samenessSupportIssues(facts: ClusterFacts, cluster: string, path: Path): PathIssue[] {
  if (!facts.enterprise) {
    return [
      {
        path,
        code: 'sameness_groups_require_enterprise',
        message: `sameness groups need Consul Enterprise (Consul CE refuses them): set enterprise: true on cluster "${cluster}", or fail over to peers with targets`,
      },
    ];
  }
  if (facts.version !== undefined && versionBelow(facts.version, 1, 16)) {
    return [
      {
        path,
        code: 'sameness_groups_require_consul_1_16',
        message: `sameness groups need Consul 1.16 or later, but cluster "${cluster}" declares consul.version ${facts.version}: upgrade Consul and update clusters[${facts.index}].consul.version, or fail over to peers with targets`,
      },
    ];
  }
  return [];
}

/** A sameness group the place does not declare, named by failover or by an export consumer. */
export function unknownGroupIssue(
  place: Place,
  name: string,
  declared: Iterable<string>,
  path: Path,
): PathIssue {
  const names = [...declared];
  const label = placeLabel(place.cluster, place.partition);
  const hint = names.length > 0 ? ` (it declares: ${knownList(names)})` : '';
  return {
    path,
    code: 'unknown_sameness_group',
    message: `${label} declares no sameness group "${name}"${hint}: declare it under samenessGroups with cluster: ${label}, or fix the name`,
  };
}

/** What one place already has: group names, the group holding the local partition, the default group. */
interface PlaceGroups {
  readonly names: Map<string, number>;
  local?: number;
  default?: number;
}

/** Problems in `samenessGroups`. */
export function samenessGroupIssues(
  file: TopologyFile,
  clusters: ReadonlyMap<string, ClusterFacts>,
  links: PeerLinks,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const places = new Map<string, PlaceGroups>();
  for (const { entry, index: i, base, place, facts } of locatedEntries(
    'samenessGroups',
    file.samenessGroups,
    clusters,
    issues,
  )) {
    const support = samenessSupportIssues(facts, place.cluster, [...base, 'cluster']);
    if (support.length > 0) {
      issues.push(...support);
      continue;
    }
    const nameProblem = samenessGroupNameProblem(entry.name);
    if (nameProblem !== undefined) {
      issues.push({ path: [...base, 'name'], code: 'invalid_value', message: nameProblem });
      continue;
    }
    const key = placeKey(place.cluster, place.partition);
    const seen = places.get(key) ?? { names: new Map<string, number>() };
    places.set(key, seen);
    const earlier = seen.names.get(entry.name);
    if (earlier !== undefined) {
      issues.push({
        path: [...base, 'name'],
        code: 'duplicate_sameness_group',
        message: `sameness group "${entry.name}" is already declared for ${placeLabel(place.cluster, place.partition)} at samenessGroups[${earlier}]: merge their members`,
      });
      continue;
    }
    seen.names.set(entry.name, i);
    const peers = new Set(links.get(key)?.keys() ?? []);
    issues.push(
      ...memberIssues(entry, place, facts, peers, base),
      ...groupIssues(entry, place, seen, i, base),
    );
  }
  return issues;
}

/** The local partition's membership and the default-for-failover flag, per place. */
function groupIssues(
  entry: SamenessGroupEntry,
  place: Place,
  seen: PlaceGroups,
  i: number,
  base: Path,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const label = placeLabel(place.cluster, place.partition);
  const localAt = entry.members.findIndex((m) => m.partition === place.partition);
  if (!entry.includeLocal && localAt < 0) {
    issues.push({
      path: [...base, 'members'],
      code: 'sameness_group_without_local',
      message: `sameness group "${entry.name}" leaves out the local partition: set includeLocal: true or list { partition: ${place.partition} } among its members (consul-k8s refuses a SamenessGroup without it)`,
    });
  } else if (seen.local !== undefined) {
    issues.push({
      path: entry.includeLocal ? [...base, 'includeLocal'] : [...base, 'members', localAt],
      code: 'local_partition_in_two_groups',
      message: `the local partition of ${label} is already a member of samenessGroups[${seen.local}]: a partition can be a member of one sameness group only`,
    });
  } else seen.local = i;
  if (entry.defaultForFailover) {
    if (seen.default === undefined) seen.default = i;
    else
      issues.push({
        path: [...base, 'defaultForFailover'],
        code: 'two_default_sameness_groups',
        message: `samenessGroups[${seen.default}] is already the default for failover in ${label}: Consul keeps one default sameness group per partition, so set defaultForFailover on one`,
      });
  }
  return issues;
}

function memberIssues(
  entry: SamenessGroupEntry,
  place: Place,
  facts: ClusterFacts,
  peers: ReadonlySet<string>,
  base: Path,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Map<string, number>();
  entry.members.forEach((member, j) => {
    const path = [...base, 'members', j];
    const set = (['partition', 'peer'] as const).filter((k) => member[k] !== undefined);
    if (set.length !== 1) {
      issues.push({
        path,
        code: 'invalid_sameness_member',
        message: `a sameness group member sets exactly one of partition or peer${set.length > 1 ? ' (this one sets both)' : ''}`,
      });
      return;
    }
    const field = set[0] as 'partition' | 'peer';
    const value = member[field] as string;
    const id = `${field}:${value}`;
    const earlier = seen.get(id);
    if (earlier !== undefined || (entry.includeLocal && field === 'partition' && value === place.partition)) {
      const why =
        earlier !== undefined
          ? `is already a member at members[${earlier}]`
          : 'is already the first member through includeLocal: true';
      issues.push({
        path: [...path, field],
        code: 'duplicate_sameness_member',
        message: `${field} "${value}" ${why}: list each member once (consul-k8s refuses duplicates)`,
      });
      return;
    }
    seen.set(id, j);
    issues.push(...memberTarget(field, value, place, facts, peers, [...path, field]));
  });
  return issues;
}

function memberTarget(
  field: 'partition' | 'peer',
  value: string,
  place: Place,
  facts: ClusterFacts,
  peers: ReadonlySet<string>,
  path: Path,
): PathIssue[] {
  if (field === 'peer') {
    if (value === '*') return [wildcardPeerIssue(path, 'sameness groups')];
    return peers.has(value)
      ? []
      : [unknownPeerIssue(place, value, peers, path, 'sameness_member_without_peering')];
  }
  if (facts.partitions.has(value)) return [];
  return [
    {
      path,
      code: 'unknown_partition',
      message: `cluster "${place.cluster}" has no partition "${value}": add it to clusters[${facts.index}].partitions`,
    },
  ];
}
