/**
 * Semantic checks on failover: exactly one of targets or samenessGroup (as consul-k8s
 * api/v1alpha1/serviceresolver_types.go refuses both), one entry per service (one ServiceResolver
 * each), targets that this place peers with, each listed once, and each exporting the service to
 * this place: a failover target with `peer` resolves the same service name in that peer
 * (agent/structs/config_entry_discoverychain.go), which sees only what the peer exports here.
 */
import type { PeerLink, PeerLinks } from './check-peerings.ts';
import { samenessSupportIssues, unknownGroupIssue } from './check-sameness-groups.ts';
import type { PathIssue } from './diagnostic.ts';
import { placeKey, placeLabel } from './endpoint.ts';
import type { ClusterFacts } from './place-index.ts';
import type { FailoverEntry, TopologyFile } from './schema.ts';
import type { TrafficIndex } from './traffic-index.ts';
import {
  locatedEntries,
  namespaceIssue,
  serviceLabel,
  unknownPeerIssue,
  unknownServiceIssue,
  wildcardPeerIssue,
} from './traffic-place.ts';

type Path = Array<string | number>;
type Place = { cluster: string; partition: string };

/** Problems in `failover`. */
export function failoverIssues(
  file: TopologyFile,
  clusters: ReadonlyMap<string, ClusterFacts>,
  links: PeerLinks,
  index: TrafficIndex,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const services = new Map<string, number>();
  for (const { entry, index: i, base, place, facts } of locatedEntries(
    'failover',
    file.failover,
    clusters,
    issues,
  )) {
    if (entry.namespace !== undefined)
      issues.push(
        ...namespaceIssue(facts, place.cluster, [...base, 'namespace'], `service "${entry.service}"`),
      );
    const id = `${placeKey(place.cluster, place.partition)} ${entry.namespace ?? 'default'}/${entry.service}`;
    const earlier = services.get(id);
    if (earlier !== undefined) {
      issues.push({
        path: [...base, 'service'],
        code: 'duplicate_failover',
        message: `failover for ${serviceLabel(entry.service, entry.namespace)} in ${placeLabel(place.cluster, place.partition)} is already declared at failover[${earlier}]: keep one entry (meshpeer writes one ServiceResolver per service)`,
      });
      continue;
    }
    services.set(id, i);
    issues.push(...shapeIssues(entry, base, place, facts, { links, index }));
  }
  return issues;
}

/** The targets or the sameness group of one failover entry. */
function shapeIssues(
  entry: FailoverEntry,
  base: Path,
  place: Place,
  facts: ClusterFacts,
  ctx: { links: PeerLinks; index: TrafficIndex },
): PathIssue[] {
  const set = (['targets', 'samenessGroup'] as const).filter((k) => entry[k] !== undefined);
  if (set.length !== 1) {
    return [
      {
        path: base,
        code: 'invalid_failover',
        message: `failover sets exactly one of targets or samenessGroup (this one sets ${set.length === 0 ? 'neither' : 'both'})`,
      },
    ];
  }
  // An unknown service is reported once, not once per target that cannot export it.
  const known = ctx.index.known(entry.service);
  const why = `failover reaches a peer's instances only when that peer exports the service to this cluster, so export ${entry.service} from each target`;
  const unknown = known
    ? []
    : [unknownServiceIssue(entry.service, ctx.index.exportedNames, [...base, 'service'], why)];
  if (entry.samenessGroup !== undefined)
    return [
      ...unknown,
      ...groupIssues(entry.samenessGroup, place, facts, [...base, 'samenessGroup'], ctx.index),
    ];
  const peers = ctx.links.get(placeKey(place.cluster, place.partition)) ?? new Map<string, PeerLink>();
  return [...unknown, ...targetIssues(entry, place, base, peers, known ? ctx.index : undefined)];
}

function groupIssues(name: string, place: Place, facts: ClusterFacts, path: Path, index: TrafficIndex) {
  const support = samenessSupportIssues(facts, place.cluster, path);
  if (support.length > 0) return support;
  const groups = index.groups(placeKey(place.cluster, place.partition));
  if (groups.has(name)) return [];
  return [unknownGroupIssue(place, name, groups.keys(), path)];
}

function targetIssues(
  entry: FailoverEntry,
  place: Place,
  base: Path,
  peers: ReadonlyMap<string, PeerLink>,
  index: TrafficIndex | undefined,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Map<string, number>();
  (entry.targets ?? []).forEach((target, j) => {
    const path = [...base, 'targets', j, 'peer'];
    if (target.peer === '*') {
      issues.push(wildcardPeerIssue(path, 'failover targets'));
      return;
    }
    const earlier = seen.get(target.peer);
    if (earlier !== undefined) {
      issues.push({
        path,
        code: 'duplicate_failover_target',
        message: `peer "${target.peer}" is already a failover target at targets[${earlier}]: list each peer once, in the order to try them`,
      });
      return;
    }
    seen.set(target.peer, j);
    const link = peers.get(target.peer);
    if (link === undefined) {
      issues.push(
        unknownPeerIssue(place, target.peer, new Set(peers.keys()), path, 'failover_without_peering'),
      );
      return;
    }
    if (index !== undefined && !index.exportsTo(link.place, entry.service, entry.namespace, link.knownAs))
      issues.push(notExported(entry, place, target.peer, link, path));
  });
  return issues;
}

function notExported(
  entry: FailoverEntry,
  place: Place,
  peer: string,
  link: PeerLink,
  path: Path,
): PathIssue {
  const other = placeLabel(link.cluster, link.partition);
  const service = serviceLabel(entry.service, entry.namespace);
  return {
    path,
    code: 'failover_target_not_exporting',
    message: `peer "${peer}"${other === peer ? '' : ` (${other})`} does not export ${service} to ${placeLabel(place.cluster, place.partition)}, so failover to it finds no instances: add { peer: ${link.knownAs} } to the consumers of ${service} in the exports of ${other}`,
  };
}
