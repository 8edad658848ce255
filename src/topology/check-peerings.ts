/**
 * Semantic checks on peerings: endpoints exist, no self-peering, no duplicates in either direction,
 * peer names unique per cluster and partition, token Secret names unique per cluster.
 */

import { placeIssues } from './check-places.ts';
import type { PathIssue } from './diagnostic.ts';
import { type EndpointInput, placeKey, resolveEndpoint } from './endpoint.ts';
import { peerNameProblem } from './names.ts';
import type { ClusterFacts } from './place-index.ts';
import type { TopologyFile } from './schema.ts';
import type { Endpoint } from './topology.ts';

type Side = 'acceptor' | 'dialer';

/** One peer as a place knows it: the other side's place and install, and the name it knows this place by. */
export interface PeerLink {
  /** The other side's `cluster/partition`. */
  readonly place: string;
  readonly cluster: string;
  readonly partition: string;
  /** The key of the install that serves the other side (ClusterSpec.name). */
  readonly install: string;
  /** The peer name the other side knows this place by (the consumer name in its exports). */
  readonly knownAs: string;
}

/** Per place (`cluster/partition`), its peers by the peer name it knows them by. */
export type PeerLinks = Map<string, Map<string, PeerLink>>;

function endpointPaths(input: EndpointInput, i: number, side: Side) {
  const base = ['peerings', i, side];
  return typeof input === 'string'
    ? { cluster: base, partition: base, peerName: base }
    : { cluster: [...base, 'cluster'], partition: [...base, 'partition'], peerName: [...base, 'peerName'] };
}

function shorthandIssues(input: EndpointInput, i: number, side: Side): PathIssue[] {
  if (typeof input !== 'string') return [];
  const parts = input.split('/');
  const problem =
    parts.length > 2 ? `"${input}" has more than one /` : parts.map((p) => peerNameProblem(p)).find(Boolean);
  if (problem === undefined) return [];
  return [
    {
      path: ['peerings', i, side],
      code: 'invalid_value',
      message: `${side} must be "cluster" or "cluster/partition": ${problem}`,
    },
  ];
}

/**
 * Problems in `peerings`; also returns the peer names each place knows, for export checks, and
 * what each of those names leads to, for the checks of traffic settings.
 */
export function peeringIssues(
  file: TopologyFile,
  clusters: ReadonlyMap<string, ClusterFacts>,
): { issues: PathIssue[]; peersOf: Map<string, Set<string>>; links: PeerLinks } {
  const issues: PathIssue[] = [];
  const pairs = new Map<string, number>();
  const names = new Map<string, Map<string, number>>();
  const secrets = new Map<string, number>();
  const peersOf = new Map<string, Set<string>>();
  const modes = new Map<string, { mode: string; index: number }>();
  const links: PeerLinks = new Map();

  for (const [i, peering] of file.peerings.entries()) {
    const local = [
      ...shorthandIssues(peering.acceptor, i, 'acceptor'),
      ...shorthandIssues(peering.dialer, i, 'dialer'),
    ];
    if (local.length > 0) {
      issues.push(...local);
      continue;
    }
    const a = resolveEndpoint(peering.acceptor);
    const d = resolveEndpoint(peering.dialer);
    const where = (e: Endpoint, side: Side) =>
      placeIssues(
        clusters,
        e,
        endpointPaths(side === 'acceptor' ? peering.acceptor : peering.dialer, i, side),
      );
    const placeProblems = [...where(a, 'acceptor'), ...where(d, 'dialer')];
    if (placeProblems.length > 0) {
      issues.push(...placeProblems);
      continue;
    }

    const aKey = placeKey(a.cluster, a.partition);
    const dKey = placeKey(d.cluster, d.partition);
    if (aKey === dKey) {
      issues.push({
        path: ['peerings', i, 'dialer'],
        code: 'self_peering',
        message: `${aKey} cannot peer with itself: a peering joins two different clusters or partitions`,
      });
      continue;
    }
    const pairKey = [aKey, dKey].sort().join(' ');
    const earlier = pairs.get(pairKey);
    if (earlier !== undefined) {
      const reversed = resolveEndpoint(file.peerings[earlier]?.acceptor ?? '').cluster !== a.cluster;
      issues.push({
        path: ['peerings', i],
        code: 'duplicate_peering',
        message: `${aKey} and ${dKey} already peer at peerings[${earlier}]${reversed ? ' (in the other direction)' : ''}: remove one, a peering carries traffic both ways`,
      });
      continue;
    }
    pairs.set(pairKey, i);
    const collisions = [
      ...nameIssues(names, aKey, d, i, 'dialer'),
      ...nameIssues(names, dKey, a, i, 'acceptor'),
    ];
    // A peer-name collision also makes the default Secret names collide; report the cause only.
    issues.push(...(collisions.length > 0 ? collisions : secretIssues(secrets, peering, a, d, i)));
    issues.push(
      ...modeIssues(modes, [aKey, dKey], peering.meshGatewayMode ?? file.defaults.meshGatewayMode, i),
    );
    addPeer(peersOf, links, a, d);
    addPeer(peersOf, links, d, a);
  }
  return { issues, peersOf, links };
}

/** Records that `here` knows `other` by other.peerName, and that `other` knows `here` by here.peerName. */
function addPeer(peersOf: Map<string, Set<string>>, links: PeerLinks, here: Endpoint, other: Endpoint): void {
  const place = placeKey(here.cluster, here.partition);
  const set = peersOf.get(place) ?? new Set<string>();
  set.add(other.peerName);
  peersOf.set(place, set);
  const byName = links.get(place) ?? new Map<string, PeerLink>();
  byName.set(other.peerName, {
    place: placeKey(other.cluster, other.partition),
    cluster: other.cluster,
    partition: other.partition,
    install: other.install,
    knownAs: here.peerName,
  });
  links.set(place, byName);
}

/** At `place`, the other side `other` is known by other.peerName; two peers may not share one. */
function nameIssues(
  names: Map<string, Map<string, number>>,
  place: string,
  other: Endpoint,
  i: number,
  otherSide: Side,
): PathIssue[] {
  const used = names.get(place) ?? new Map<string, number>();
  names.set(place, used);
  const earlier = used.get(other.peerName);
  if (earlier === undefined) {
    used.set(other.peerName, i);
    return [];
  }
  return [
    {
      path: ['peerings', i, otherSide],
      code: 'peer_name_collision',
      message: `peer name "${other.peerName}" is already used in ${place} by peerings[${earlier}]: set peerName on this ${otherSide} to tell the peers apart`,
    },
  ];
}

function secretIssues(
  secrets: Map<string, number>,
  peering: TopologyFile['peerings'][number],
  a: Endpoint,
  d: Endpoint,
  i: number,
): PathIssue[] {
  const name = peering.tokenSecret ?? `peering-token-${a.peerName}-${d.peerName}`;
  const issues: PathIssue[] = [];
  for (const cluster of [a.cluster, d.cluster]) {
    const key = `${cluster}/${name}`;
    const earlier = secrets.get(key);
    if (earlier !== undefined && earlier !== i) {
      issues.push({
        path: ['peerings', i, peering.tokenSecret === undefined ? 'acceptor' : 'tokenSecret'],
        code: 'token_secret_collision',
        message: `token Secret "${name}" in cluster "${cluster}" is already used by peerings[${earlier}]: give each peering its own tokenSecret`,
      });
    }
    secrets.set(key, i);
  }
  return issues;
}

/**
 * ProxyDefaults `global` is one object per cluster and partition, so its peerings must agree on a
 * declared mode; a peering without one leaves ProxyDefaults alone and agrees with anything.
 */
function modeIssues(
  modes: Map<string, { mode: string; index: number }>,
  places: string[],
  mode: string | undefined,
  i: number,
): PathIssue[] {
  const issues: PathIssue[] = [];
  if (mode === undefined) return issues;
  for (const place of places) {
    const earlier = modes.get(place);
    if (earlier === undefined) modes.set(place, { mode, index: i });
    else if (earlier.mode !== mode) {
      issues.push({
        path: ['peerings', i, 'meshGatewayMode'],
        code: 'mesh_gateway_mode_conflict',
        message: `${place} already uses mesh gateway mode "${earlier.mode}" for peerings[${earlier.index}]: ProxyDefaults global holds one mode per cluster and partition, so use "${earlier.mode}" here too`,
      });
    }
  }
  return issues;
}
