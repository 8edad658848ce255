/**
 * Where a traffic setting (intentions, failover, sameness group) lives: `cluster`,
 * `cluster/partition`, or `cluster` plus `partition`, as peering endpoints are written.
 */
import { placeIssues } from './check-places.ts';
import type { PathIssue } from './diagnostic.ts';
import { placeLabel } from './endpoint.ts';
import { peerNameProblem } from './names.ts';
import { type ClusterFacts, knownList } from './place-index.ts';

type Path = ReadonlyArray<string | number>;

/** A traffic entry's place as written. */
export interface PlaceInput {
  readonly cluster: string;
  readonly partition?: string | undefined;
}

/** The cluster and partition of a place whose shorthand passed trafficPlaceIssues. */
export function trafficPlace(entry: PlaceInput): { cluster: string; partition: string } {
  const [cluster = '', inline] = entry.cluster.split('/', 2);
  return { cluster, partition: entry.partition ?? inline ?? 'default' };
}

/** Problems with the place of the entry at `base`: its shorthand, the cluster and the partition. */
export function trafficPlaceIssues(
  clusters: ReadonlyMap<string, ClusterFacts>,
  entry: PlaceInput,
  base: Path,
): PathIssue[] {
  const at = [...base, 'cluster'];
  const parts = entry.cluster.split('/');
  const problem =
    parts.length > 2
      ? `"${entry.cluster}" has more than one /`
      : parts.map((p) => peerNameProblem(p)).find(Boolean);
  if (problem !== undefined) {
    return [
      {
        path: at,
        code: 'invalid_value',
        message: `cluster must be "cluster" or "cluster/partition": ${problem}`,
      },
    ];
  }
  const partitionProblem = entry.partition === undefined ? undefined : peerNameProblem(entry.partition);
  if (partitionProblem !== undefined)
    return [{ path: [...base, 'partition'], code: 'invalid_value', message: partitionProblem }];
  const inline = parts[1];
  if (inline !== undefined && entry.partition !== undefined && inline !== entry.partition) {
    return [
      {
        path: [...base, 'partition'],
        code: 'partition_conflict',
        message: `cluster "${entry.cluster}" names partition "${inline}" but partition is "${entry.partition}": name the partition in one place`,
      },
    ];
  }
  const partitionAt = entry.partition === undefined ? at : [...base, 'partition'];
  return placeIssues(clusters, trafficPlace(entry), { cluster: at, partition: partitionAt });
}

/** A traffic entry whose place resolved: where it is in the file, its place and that cluster's facts. */
export interface LocatedEntry<T> {
  readonly entry: T;
  /** Its index in the section. */
  readonly index: number;
  readonly base: Array<string | number>;
  readonly place: { cluster: string; partition: string };
  readonly facts: ClusterFacts;
}

/**
 * The entries of one traffic section whose place resolves; the place problems of the others go to
 * `issues`, so the section's own rules run only where the place is known.
 */
export function locatedEntries<T extends PlaceInput>(
  section: string,
  entries: readonly T[],
  clusters: ReadonlyMap<string, ClusterFacts>,
  issues: PathIssue[],
): LocatedEntry<T>[] {
  const located: LocatedEntry<T>[] = [];
  for (const [i, entry] of entries.entries()) {
    const base = [section, i];
    const problems = trafficPlaceIssues(clusters, entry, base);
    const place = trafficPlace(entry);
    const facts = clusters.get(place.cluster);
    if (problems.length > 0 || facts === undefined) issues.push(...problems);
    else located.push({ entry, index: i, base, place, facts });
  }
  return located;
}

/** A Consul namespace on a cluster without Enterprise. */
export function namespaceIssue(facts: ClusterFacts, cluster: string, path: Path, what: string): PathIssue[] {
  if (facts.enterprise) return [];
  return [
    {
      path,
      code: 'namespaces_require_enterprise',
      message: `${what} sets a namespace, but Consul namespaces need Consul Enterprise: set enterprise: true on cluster "${cluster}" or remove namespace`,
    },
  ];
}

/** A peer name the place has no peering with (the same rule and words as export consumers). */
export function unknownPeerIssue(
  place: { cluster: string; partition: string },
  peer: string,
  peers: ReadonlySet<string>,
  path: Path,
  code: string,
): PathIssue {
  const known = peers.size > 0 ? `its peers are: ${knownList(peers)}` : 'it has no peerings';
  return {
    path,
    code,
    message: `${placeLabel(place.cluster, place.partition)} has no peering with a peer named "${peer}" (${known}): add a peering or fix the name`,
  };
}

/** The wildcard as a peer name, which Consul refuses in intentions, resolvers and sameness groups. */
export function wildcardPeerIssue(path: Path, where: string): PathIssue {
  return {
    path,
    code: 'wildcard_peer',
    message: `"*" is not allowed as a peer in ${where}: Consul refuses wildcard peers; list each peer by name`,
  };
}

/** `ns/name`, or the name alone in the default namespace. */
export function serviceLabel(name: string, namespace: string | undefined): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

/** The unknown-service rule shared by intentions and failover, with the names exports do list. */
export function unknownServiceIssue(
  service: string,
  exported: ReadonlySet<string>,
  path: Path,
  why: string,
): PathIssue {
  const hint = exported.size > 0 ? ` (exports list: ${knownList(exported)})` : ' (there are no exports)';
  return {
    path,
    code: 'unknown_service',
    message: `service "${service}" is in no exports entry of this file${hint}: ${why}, or fix the name; meshpeer knows services from exports, and the plan also checks the live catalog`,
  };
}
