/**
 * What the checks of traffic settings look up in a schema-valid file: which services each place
 * exports to which peers (directly, or through a sameness group it declares), and its sameness groups.
 */
import { placeKey } from './endpoint.ts';
import type { SamenessGroupEntry, TopologyFile } from './schema.ts';
import { trafficPlace } from './traffic-place.ts';

type ExportedService = TopologyFile['exports'][number]['services'][number];

/** Lookups by place key (`cluster/partition`). */
export interface TrafficIndex {
  /** Whether `place` exports the service (by name or `*`) to `peer`, itself or through a sameness group. */
  exportsTo(place: string, service: string, namespace: string | undefined, peer: string): boolean;
  /** Whether some exports entry of the file lists the service by name, or exports `*`. */
  known(service: string): boolean;
  /** Every service name the exports list, for hints. */
  readonly exportedNames: ReadonlySet<string>;
  /** The sameness groups declared for `place`, by name (the first declaration of a name). */
  groups(place: string): ReadonlyMap<string, SamenessGroupEntry>;
}

const sameNamespace = (exported: string | undefined, wanted: string | undefined) =>
  exported === '*' || (exported ?? 'default') === (wanted ?? 'default');

/** Indexes exports and sameness groups; entries with a broken place are skipped (they are reported). */
export function indexTraffic(file: TopologyFile): TrafficIndex {
  const exported = new Map<string, ExportedService[]>();
  for (const entry of file.exports) {
    const key = placeKey(entry.cluster, entry.partition);
    exported.set(key, [...(exported.get(key) ?? []), ...entry.services]);
  }
  const groups = new Map<string, Map<string, SamenessGroupEntry>>();
  for (const entry of file.samenessGroups) {
    const place = trafficPlace(entry);
    const key = placeKey(place.cluster, place.partition);
    const byName = groups.get(key) ?? new Map<string, SamenessGroupEntry>();
    if (!byName.has(entry.name)) byName.set(entry.name, entry);
    groups.set(key, byName);
  }
  const names = new Set(file.exports.flatMap((e) => e.services.map((s) => s.name)));
  const none: ReadonlyMap<string, SamenessGroupEntry> = new Map();
  const groupsOf = (place: string) => groups.get(place) ?? none;
  return {
    exportsTo(place, service, namespace, peer) {
      const reaches = (c: ExportedService['consumers'][number]) =>
        c.peer === peer ||
        (c.samenessGroup !== undefined &&
          (groupsOf(place)
            .get(c.samenessGroup)
            ?.members.some((m) => m.peer === peer) ??
            false));
      return (exported.get(place) ?? []).some(
        (s) =>
          (s.name === service || s.name === '*') &&
          sameNamespace(s.namespace, namespace) &&
          s.consumers.some(reaches),
      );
    },
    known: (service) => names.has(service) || names.has('*'),
    exportedNames: names,
    groups: groupsOf,
  };
}
