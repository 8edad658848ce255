/** Resolves the traffic sections of a valid peerings.yaml (intentions, failover, sameness groups). */
import { placeLabel } from './endpoint.ts';
import type { FailoverEntry, IntentionEntry, SamenessGroupEntry, TopologyFile } from './schema.ts';
import type {
  FailoverSpec,
  IntentionSource,
  IntentionSpec,
  Place,
  SamenessGroupSpec,
  SamenessMember,
  Topology,
} from './topology.ts';
import { trafficPlace } from './traffic-place.ts';

/** Code-point order, so output does not depend on the locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function resolvePlace(entry: { cluster: string; partition?: string | undefined }): Place {
  const { cluster, partition } = trafficPlace(entry);
  return { cluster, partition, install: placeLabel(cluster, partition) };
}

const namespaced = (namespace: string | undefined) => (namespace === undefined ? {} : { namespace });

function intention(entry: IntentionEntry): IntentionSpec {
  const sources: IntentionSource[] = entry.sources
    .map((s) => ({ peer: s.peer, service: s.service, ...namespaced(s.namespace), action: s.action }))
    .sort(
      (a, b) =>
        compare(a.peer, b.peer) ||
        compare(a.service, b.service) ||
        compare(a.namespace ?? '', b.namespace ?? ''),
    );
  return { ...resolvePlace(entry), destination: entry.destination, ...namespaced(entry.namespace), sources };
}

function failover(entry: FailoverEntry): FailoverSpec {
  return {
    ...resolvePlace(entry),
    service: entry.service,
    ...namespaced(entry.namespace),
    // Targets keep their order: it is the order failover tries them.
    targets: (entry.targets ?? []).map((t) => ({ peer: t.peer })),
    ...(entry.samenessGroup !== undefined && { samenessGroup: entry.samenessGroup }),
  };
}

function samenessGroup(entry: SamenessGroupEntry): SamenessGroupSpec {
  const members: SamenessMember[] = entry.members.map((m) =>
    m.peer !== undefined ? { peer: m.peer } : { partition: m.partition ?? '' },
  );
  return {
    ...resolvePlace(entry),
    name: entry.name,
    defaultForFailover: entry.defaultForFailover,
    includeLocal: entry.includeLocal,
    members,
  };
}

/** Install, then name, then namespace (none first): the order Topology documents. */
function byPlaceAndName<T extends Place>(name: (x: T) => string, namespace: (x: T) => string | undefined) {
  return (a: T, b: T) =>
    compare(a.install, b.install) ||
    compare(name(a), name(b)) ||
    compare(namespace(a) ?? '', namespace(b) ?? '');
}

/** The resolved intentions, failover and sameness groups, sorted as Topology documents. */
export function normalizeTraffic(
  file: TopologyFile,
): Pick<Topology, 'intentions' | 'failover' | 'samenessGroups'> {
  return {
    intentions: file.intentions.map(intention).sort(
      byPlaceAndName(
        (i) => i.destination,
        (i) => i.namespace,
      ),
    ),
    failover: file.failover.map(failover).sort(
      byPlaceAndName(
        (f) => f.service,
        (f) => f.namespace,
      ),
    ),
    samenessGroups: file.samenessGroups.map(samenessGroup).sort(
      byPlaceAndName(
        (g) => g.name,
        () => undefined,
      ),
    ),
  };
}
