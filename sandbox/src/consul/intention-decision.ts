/**
 * The intention decision for one connection, as Consul makes it from `service-intentions` config
 * entries: hashicorp/consul agent/consul/state/intention.go IntentionDecision over the intentions
 * of the destination sorted by precedence (agent/structs/config_entry_intentions.go
 * computeIntentionPrecedence), matched with agent/connect/authz.go IntentionMatch (the source's
 * Peer must equal the caller's peer exactly, `*` names match any name of that peer or partition),
 * sameness-group sources expanded into their members as getSimplifiedIntentions does, and the
 * default decision when nothing matches. A pure function: the sandbox's data plane and the
 * `/v1/connect/intentions/check` endpoint both call it.
 *
 * Simplified: namespaces other than `default` and `*` are compared by name only (Enterprise
 * namespace inheritance is not modelled), and L7 Permissions are reported (`hasPermissions`) and
 * treated as deny, as the check endpoint does (AllowPermissions false); the sandbox does not
 * evaluate HTTP requests.
 */

/** The caller of a connection: a local service (peer '') or a service of a peer. */
export interface IntentionSourceRef {
  /** The peer name as the destination's cluster knows it; '' or absent for a local source. */
  readonly peer?: string | undefined;
  /** The source's partition (local sources only); absent means `default`. */
  readonly partition?: string | undefined;
  readonly namespace?: string | undefined;
  readonly name: string;
}

/** The called service. */
export interface IntentionDestinationRef {
  readonly partition?: string | undefined;
  readonly namespace?: string | undefined;
  readonly name: string;
}

/** What decided a connection. */
export interface IntentionDecisionResult {
  readonly allowed: boolean;
  /** The default used when no intention matched (ACL default policy allow, or ACLs off). */
  readonly defaultAllow: boolean;
  /** The matching intention carries L7 Permissions (treated as deny here). */
  readonly hasPermissions: boolean;
  /** The intention that decided, absent when the default decided. */
  readonly matched?: {
    readonly destination: string;
    readonly source: string;
    readonly peer: string;
    readonly action: 'allow' | 'deny' | '';
    readonly precedence: number;
  };
}

/** A config entry as the store keeps it (Go field names); only the fields read here are typed. */
interface EntryLike {
  readonly Kind: string;
  readonly Name: string;
  readonly Partition?: unknown;
  readonly Namespace?: unknown;
  readonly Sources?: unknown;
  readonly Members?: unknown;
}

interface FlatIntention {
  readonly destination: string;
  readonly destinationNS: string;
  readonly destinationPartition: string;
  readonly source: string;
  readonly sourceNS: string;
  readonly sourcePartition: string;
  readonly peer: string;
  readonly action: 'allow' | 'deny' | '';
  readonly permissions: boolean;
  readonly precedence: number;
}

const WILDCARD = '*';

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** computeIntentionPrecedence: 9/6/3 by the destination's exact parts, minus the source's wildcards. */
export function intentionPrecedence(
  destination: { name: string; namespace: string },
  source: { name: string; namespace: string },
): number {
  const exact = (ref: { name: string; namespace: string }) =>
    ref.namespace === WILDCARD ? 0 : ref.name === WILDCARD ? 1 : 2;
  const max = [3, 6, 9][exact(destination)] ?? 0;
  return max - (2 - exact(source));
}

function sourcesOf(entry: EntryLike): Array<Record<string, unknown>> {
  return Array.isArray(entry.Sources) ? (entry.Sources as Array<Record<string, unknown>>) : [];
}

/** The members of a sameness group as (peer, partition) pairs. */
function membersOf(groups: readonly EntryLike[], name: string): Array<{ peer: string; partition: string }> {
  const group = groups.find((g) => g.Kind === 'sameness-group' && g.Name === name);
  const members = Array.isArray(group?.Members) ? (group.Members as Array<Record<string, unknown>>) : [];
  return members.map((m) => ({ peer: str(m.Peer), partition: str(m.Partition) }));
}

/** One entry's sources as flat intentions, sameness groups expanded into their members. */
function flatten(entry: EntryLike, groups: readonly EntryLike[]): FlatIntention[] {
  const destinationNS = str(entry.Namespace, 'default');
  const destinationPartition = str(entry.Partition, 'default');
  return sourcesOf(entry).flatMap((src) => {
    const sourceNS = str(src.Namespace, 'default');
    const base = {
      destination: entry.Name,
      destinationNS,
      destinationPartition,
      source: str(src.Name),
      sourceNS,
      action: (src.Action === 'allow' || src.Action === 'deny' ? src.Action : '') as FlatIntention['action'],
      permissions: Array.isArray(src.Permissions) && src.Permissions.length > 0,
      precedence: intentionPrecedence(
        { name: entry.Name, namespace: destinationNS },
        { name: str(src.Name), namespace: sourceNS },
      ),
    };
    const group = str(src.SamenessGroup);
    if (group !== '') {
      return membersOf(groups, group).map((m) => ({
        ...base,
        peer: m.peer,
        sourcePartition: m.peer === '' ? m.partition || 'default' : 'default',
      }));
    }
    const peer = str(src.Peer);
    // A peered source has no partition of ours; a local one inherits the destination's (Normalize).
    const sourcePartition = peer === '' ? str(src.Partition, destinationPartition) : 'default';
    return [{ ...base, peer, sourcePartition }];
  });
}

function matchesDestination(ixn: FlatIntention, d: Required<IntentionDestinationRef>): boolean {
  if (ixn.destinationPartition !== d.partition) return false;
  if (ixn.destinationNS !== WILDCARD && ixn.destinationNS !== d.namespace) return false;
  return ixn.destination === WILDCARD || ixn.destination === d.name;
}

function matchesSource(ixn: FlatIntention, s: Required<IntentionSourceRef>): boolean {
  if (ixn.peer !== s.peer) return false;
  if (s.peer === '' && ixn.sourcePartition !== s.partition) return false;
  if (ixn.sourceNS !== WILDCARD && ixn.sourceNS !== s.namespace) return false;
  return ixn.source === WILDCARD || ixn.source === s.name;
}

/**
 * Decides whether `source` may connect to `destination` given the `service-intentions` entries of
 * the destination's partition (other kinds in `entries` are ignored) and, for sameness-group
 * sources, the partition's `sameness-group` entries. `defaultAllow` is Consul's
 * IntentionDefaultAllow: true when ACLs are off or their default policy is allow.
 */
export function intentionDecision(
  entries: readonly EntryLike[],
  source: IntentionSourceRef,
  destination: IntentionDestinationRef,
  defaultAllow: boolean,
  samenessGroups: readonly EntryLike[] = [],
): IntentionDecisionResult {
  const s = {
    peer: source.peer ?? '',
    partition: source.partition ?? 'default',
    namespace: source.namespace ?? 'default',
    name: source.name,
  };
  const d = {
    partition: destination.partition ?? 'default',
    namespace: destination.namespace ?? 'default',
    name: destination.name,
  };
  const candidates = entries
    .filter((e) => e.Kind === 'service-intentions')
    .flatMap((e) => flatten(e, samenessGroups))
    .filter((ixn) => matchesSource(ixn, s) && matchesDestination(ixn, d))
    // Per (source, destination) pair the nine precedence values are distinct, so no tie-break.
    .sort((a, b) => b.precedence - a.precedence);
  const match = candidates[0];
  if (match === undefined) return { allowed: defaultAllow, defaultAllow, hasPermissions: false };
  return {
    allowed: !match.permissions && match.action === 'allow',
    defaultAllow,
    hasPermissions: match.permissions,
    matched: {
      destination: match.destination,
      source: match.source,
      peer: match.peer,
      action: match.action,
      precedence: match.precedence,
    },
  };
}
