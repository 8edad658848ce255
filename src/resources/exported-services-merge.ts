/**
 * Shared ownership of an ExportedServices resource. consul-k8s allows one per cluster (named after
 * the partition), and `spec.services` has no list-type marker, so server-side apply would replace
 * the whole list, other teams' entries included. meshpeer instead merges: it owns single
 * `service>consumer` entries, records them in an annotation, and on each write keeps every entry it
 * does not own. Pure: the planner uses it to compare, the executor to write.
 */

/** The annotation listing the entries meshpeer owns (a JSON array of `service>consumer` keys). */
export const OWNED_EXPORTS_ANNOTATION = 'meshpeer.dev/owned-exports';

/** A consumer as the CRD holds it: exactly one of the three fields. */
export interface ExportConsumer {
  readonly peer?: string;
  readonly partition?: string;
  readonly samenessGroup?: string;
}

/** One entry of `spec.services`; fields meshpeer does not know are kept as they are. */
export interface ExportedService {
  readonly name: string;
  readonly namespace?: string;
  readonly consumers: readonly ExportConsumer[];
  readonly [field: string]: unknown;
}

const serviceKey = (s: { name: string; namespace?: string | undefined }) => `${s.namespace ?? ''}/${s.name}`;

function consumerKey(c: ExportConsumer): string {
  if (c.peer !== undefined) return `peer:${c.peer}`;
  if (c.partition !== undefined) return `partition:${c.partition}`;
  return `sameness-group:${c.samenessGroup ?? ''}`;
}

/** The `service>consumer` keys of a services list, sorted. */
export function exportEntryKeys(services: readonly ExportedService[]): string[] {
  return services.flatMap((s) => s.consumers.map((c) => `${serviceKey(s)}>${consumerKey(c)}`)).sort();
}

/**
 * The entries meshpeer recorded on a live object; an unreadable annotation owns nothing. An object
 * meshpeer created before it recorded ownership (labelled, no annotation) is owned entirely.
 */
export function ownedExports(o: AnnotatedObject, managed: boolean): string[] {
  const raw = o.metadata.annotations?.[OWNED_EXPORTS_ANNOTATION];
  if (raw === undefined)
    return managed ? exportEntryKeys((o.spec?.services as ExportedService[] | undefined) ?? []) : [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string').sort() : [];
  } catch {
    return [];
  }
}

/** The parts of a live or desired object that record ownership (structural, so this stays client-free). */
export interface AnnotatedObject {
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: Readonly<Record<string, unknown>>;
}

/** The result of merging desired entries into a live list. */
export interface MergedExports {
  readonly services: ExportedService[];
  /** What meshpeer owns afterwards: desired entries it added or already owned, never others'. */
  readonly owned: string[];
}

/**
 * Live entries meshpeer does not own stay; entries it owned but no longer desires go; desired
 * entries are added. A desired entry someone else already wrote stays theirs, so meshpeer never
 * removes it later. Live order is kept and new entries are appended, so repeated merges are stable.
 */
export function mergeExports(
  live: readonly ExportedService[],
  previouslyOwned: readonly string[],
  desired: readonly ExportedService[],
): MergedExports {
  const was = new Set(previouslyOwned);
  const liveKeys = new Set(exportEntryKeys(live));
  const out = new Map<string, { base: ExportedService; consumers: Map<string, ExportConsumer> }>();
  const slot = (s: ExportedService) => {
    const key = serviceKey(s);
    let entry = out.get(key);
    if (entry === undefined) {
      const { consumers: _dropped, ...base } = s;
      entry = { base: { ...base, consumers: [] }, consumers: new Map() };
      out.set(key, entry);
    }
    return entry;
  };
  const wanted = new Set(exportEntryKeys(desired));
  for (const s of live) {
    for (const c of s.consumers) {
      const key = `${serviceKey(s)}>${consumerKey(c)}`;
      if (!was.has(key) || wanted.has(key)) slot(s).consumers.set(consumerKey(c), c);
    }
  }
  for (const s of desired) for (const c of s.consumers) slot(s).consumers.set(consumerKey(c), c);
  const services = [...out.values()]
    .filter((e) => e.consumers.size > 0)
    .map((e) => ({ ...e.base, consumers: [...e.consumers.values()] }));
  const owned = [...wanted].filter((k) => was.has(k) || !liveKeys.has(k)).sort();
  return { services, owned };
}

/** Whether two services lists hold the same entries, whatever their order. */
export function sameExports(a: readonly ExportedService[], b: readonly ExportedService[]): boolean {
  const ka = exportEntryKeys(a);
  const kb = exportEntryKeys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The `service>consumer` keys of a Consul `exported-services` entry as its HTTP API returns it (Go
 * field names); a consumer's empty Partition is the default one (consul-k8s NormalizePartition).
 */
export function consulEntryExportKeys(entry: Readonly<Record<string, unknown>>): string[] {
  const services = Array.isArray(entry.Services) ? (entry.Services as Array<Record<string, unknown>>) : [];
  return exportEntryKeys(
    services.map((s) => {
      const namespace = text(s.Namespace);
      const consumers = Array.isArray(s.Consumers) ? (s.Consumers as Array<Record<string, unknown>>) : [];
      return {
        name: String(s.Name ?? ''),
        ...(namespace !== undefined && { namespace }),
        consumers: consumers.map((c): ExportConsumer => {
          const peer = text(c.Peer);
          const group = text(c.SamenessGroup);
          if (peer !== undefined) return { peer };
          if (group !== undefined) return { samenessGroup: group };
          return { partition: text(c.Partition) ?? 'default' };
        }),
      };
    }),
  );
}

/** A key with Consul's default namespace spelled out or left empty reads the same. */
const inDefaultNamespace = (key: string) => key.replace(/^default\//, '/');

/** Which of `owned` (meshpeer's entries on the resource) Consul's entry does not hold. */
export function exportsMissingInConsul(owned: readonly string[], consulKeys: readonly string[]): string[] {
  const present = new Set(consulKeys.map(inDefaultNamespace));
  return owned.filter((k) => !present.has(inDefaultNamespace(k)));
}
