/**
 * Shared ownership of a ServiceIntentions resource. consul-k8s admits one per destination: its
 * webhook (control-plane/api/v1alpha1/serviceintentions_webhook.go) refuses a second object with the
 * same `spec.destination.name` (and namespace, with namespace mirroring), whatever it is called, and
 * Consul refuses a source listed twice (agent/structs/config_entry_intentions.go: "Sources[%d]
 * defines peer(%q) %q more than once"). So, as with ExportedServices, meshpeer merges: it owns single
 * sources, records them in an annotation, and on each write keeps every source it does not own
 * (L7 `permissions`, descriptions and sources of other teams). Pure: the planner uses it to compare,
 * the executor to write.
 */

/** The annotation listing the sources meshpeer owns (a JSON array of source keys). */
export const OWNED_INTENTIONS_ANNOTATION = 'meshpeer.dev/owned-intentions';

/** One entry of `spec.sources` (serviceintentions_types.go SourceIntention); unknown fields are kept. */
export interface IntentionSourceEntry {
  readonly name: string;
  readonly namespace?: string;
  readonly peer?: string;
  readonly partition?: string;
  readonly samenessGroup?: string;
  readonly action?: string;
  readonly [field: string]: unknown;
}

const norm = (v: unknown) => (typeof v === 'string' && v !== '' ? v : '');

/**
 * The identity Consul keys sources by: where the source is (peer, partition or sameness group),
 * its namespace (empty is `default`, as consul-k8s MatchesConsul normalizes it) and its name.
 */
export function sourceKey(s: IntentionSourceEntry): string {
  const where = s.peer
    ? `peer:${s.peer}`
    : s.samenessGroup
      ? `sameness-group:${s.samenessGroup}`
      : `partition:${norm(s.partition) || 'default'}`;
  return `${where}/${norm(s.namespace) || 'default'}/${s.name}`;
}

/** The source keys of a sources list, sorted. */
export function intentionSourceKeys(sources: readonly IntentionSourceEntry[]): string[] {
  return sources.map(sourceKey).sort();
}

/** The parts of an object that record ownership (structural, so this stays client-free). */
interface AnnotatedIntentions {
  readonly metadata: { readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: Readonly<Record<string, unknown>>;
}

/** `spec.sources` of a live or desired ServiceIntentions. */
export function sourcesOf(o: AnnotatedIntentions): IntentionSourceEntry[] {
  const raw = o.spec?.sources;
  return Array.isArray(raw)
    ? raw.filter(
        (s): s is IntentionSourceEntry => s !== null && typeof s === 'object' && typeof s.name === 'string',
      )
    : [];
}

/**
 * The sources meshpeer recorded on a live object; an unreadable annotation owns nothing. An object
 * meshpeer created before it recorded ownership (labelled, no annotation) is owned entirely.
 */
export function ownedIntentions(o: AnnotatedIntentions, managed: boolean): string[] {
  const raw = o.metadata.annotations?.[OWNED_INTENTIONS_ANNOTATION];
  if (raw === undefined) return managed ? intentionSourceKeys(sourcesOf(o)) : [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string').sort() : [];
  } catch {
    return [];
  }
}

/** The result of merging meshpeer's sources into a live list. */
export interface MergedIntentions {
  readonly sources: IntentionSourceEntry[];
  /** What meshpeer owns afterwards: desired sources it added or already owned, never others'. */
  readonly owned: string[];
  /** Desired sources someone else wrote with another action: Consul admits one, so theirs stays. */
  readonly conflicts: string[];
}

const sameAction = (a: IntentionSourceEntry, b: IntentionSourceEntry) =>
  a.action === b.action && a.permissions === undefined && b.permissions === undefined;

/**
 * Live sources meshpeer does not own stay; sources it owned but no longer desires go; desired
 * sources are added or replace meshpeer's own. A desired source someone else already wrote stays
 * theirs (never removed later); with another action it is a conflict meshpeer does not resolve.
 * Live order is kept and new sources are appended, so repeated merges are stable.
 */
export function mergeIntentions(
  live: readonly IntentionSourceEntry[],
  previouslyOwned: readonly string[],
  desired: readonly IntentionSourceEntry[],
): MergedIntentions {
  const was = new Set(previouslyOwned);
  const wanted = new Map(desired.map((s) => [sourceKey(s), s]));
  const out = new Map<string, IntentionSourceEntry>();
  const conflicts: string[] = [];
  const owned: string[] = [];
  const liveKeys = new Set(live.map(sourceKey));
  for (const s of live) {
    const key = sourceKey(s);
    const want = wanted.get(key);
    if (!was.has(key)) {
      out.set(key, s);
      if (want !== undefined && !sameAction(s, want)) conflicts.push(key);
    } else if (want !== undefined) out.set(key, want);
  }
  for (const [key, s] of wanted) {
    if (!out.has(key)) out.set(key, s);
    if (was.has(key) || !liveKeys.has(key)) owned.push(key);
  }
  return { sources: [...out.values()], owned: owned.sort(), conflicts: conflicts.sort() };
}

const canonicalSource = (s: IntentionSourceEntry) =>
  JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Whether two sources lists hold the same sources with the same fields, whatever their order. */
export function sameIntentions(
  a: readonly IntentionSourceEntry[],
  b: readonly IntentionSourceEntry[],
): boolean {
  const ka = a.map(canonicalSource).sort();
  const kb = b.map(canonicalSource).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}
