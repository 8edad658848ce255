/**
 * Semantic checks on intentions: one entry per destination, sources from peers this place peers
 * with, each source listed once (Consul refuses a source twice in one service-intentions entry,
 * agent/structs/config_entry_intentions.go), and each source peer importing the destination:
 * intentions are enforced by the destination's sidecar (agent/xds/rbac.go), and a peer's service
 * reaches the destination only when this place exports it to that peer.
 */
import type { PeerLinks } from './check-peerings.ts';
import type { PathIssue } from './diagnostic.ts';
import { placeKey, placeLabel } from './endpoint.ts';
import type { ClusterFacts } from './place-index.ts';
import type { IntentionEntry, TopologyFile } from './schema.ts';
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

/** Problems in `intentions`. */
export function intentionIssues(
  file: TopologyFile,
  clusters: ReadonlyMap<string, ClusterFacts>,
  links: PeerLinks,
  index: TrafficIndex,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const destinations = new Map<string, number>();
  for (const { entry, index: i, base, place, facts } of locatedEntries(
    'intentions',
    file.intentions,
    clusters,
    issues,
  )) {
    const destination = serviceLabel(entry.destination, entry.namespace);
    if (entry.namespace !== undefined)
      issues.push(
        ...namespaceIssue(facts, place.cluster, [...base, 'namespace'], `destination "${entry.destination}"`),
      );
    const id = `${placeKey(place.cluster, place.partition)} ${entry.namespace ?? 'default'}/${entry.destination}`;
    const earlier = destinations.get(id);
    if (earlier !== undefined) {
      issues.push({
        path: [...base, 'destination'],
        code: 'duplicate_intentions',
        message: `intentions for ${destination} in ${placeLabel(place.cluster, place.partition)} are already declared at intentions[${earlier}]: merge their sources (meshpeer writes one ServiceIntentions per destination)`,
      });
      continue;
    }
    destinations.set(id, i);
    const known = index.known(entry.destination);
    if (!known) {
      const why = `a peer's service reaches only services exported to that peer, so export ${entry.destination} from ${placeLabel(place.cluster, place.partition)} to the source peers`;
      issues.push(unknownServiceIssue(entry.destination, index.exportedNames, [...base, 'destination'], why));
    }
    issues.push(...sourceIssues(entry, place, base, { clusters, links, index, checkImport: known }));
  }
  return issues;
}

interface SourceContext {
  readonly clusters: ReadonlyMap<string, ClusterFacts>;
  readonly links: PeerLinks;
  readonly index: TrafficIndex;
  /** False when the destination is unknown: that is reported once, not once per source. */
  readonly checkImport: boolean;
}

function sourceIssues(
  entry: IntentionEntry,
  place: { cluster: string; partition: string },
  base: Path,
  ctx: SourceContext,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const key = placeKey(place.cluster, place.partition);
  const peers = ctx.links.get(key) ?? new Map();
  const seen = new Map<string, number>();
  entry.sources.forEach((source, j) => {
    const path = [...base, 'sources', j];
    if (source.peer === '*') {
      issues.push(wildcardPeerIssue([...path, 'peer'], 'intentions'));
      return;
    }
    const link = peers.get(source.peer);
    if (link === undefined) {
      const names = new Set(peers.keys());
      issues.push(
        unknownPeerIssue(place, source.peer, names, [...path, 'peer'], 'intention_without_peering'),
      );
      return;
    }
    const who = `peer "${source.peer}" service "${serviceLabel(source.service, source.namespace)}"`;
    const id = `${source.peer} ${source.namespace ?? 'default'}/${source.service}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      issues.push({
        path: [...path, 'service'],
        code: 'duplicate_intention_source',
        message: `${who} is already a source at sources[${earlier}]: Consul refuses a source listed twice for one destination; keep one`,
      });
      return;
    }
    seen.set(id, j);
    const peerFacts = ctx.clusters.get(link.cluster);
    if (source.namespace !== undefined && peerFacts !== undefined)
      issues.push(...namespaceIssue(peerFacts, link.cluster, [...path, 'namespace'], `the source of ${who}`));
    if (ctx.checkImport && !ctx.index.exportsTo(key, entry.destination, entry.namespace, source.peer))
      issues.push(notImported(entry, place, source.peer, [...path, 'peer']));
  });
  return issues;
}

function notImported(
  entry: IntentionEntry,
  place: { cluster: string; partition: string },
  peer: string,
  path: Path,
): PathIssue {
  const label = placeLabel(place.cluster, place.partition);
  const service = serviceLabel(entry.destination, entry.namespace);
  return {
    path,
    code: 'intention_source_not_imported',
    message: `peer "${peer}" does not import ${service} from ${label}, so this intention is never consulted: add { peer: ${peer} } to the consumers of ${service} in the exports of ${label}`,
  };
}
