/**
 * ToConsul and MatchesConsul of the traffic CRDs, as consul-k8s control-plane/api/v1alpha1 has them:
 * ServiceIntentions → `service-intentions` named after spec.destination.name
 * (serviceintentions_types.go), ServiceResolver → `service-resolver` named after the resource
 * (serviceresolver_types.go), SamenessGroup → `sameness-group` (samenessgroup_types.go).
 * MatchesConsul ignores Meta, indexes, Partition and Namespace of the entry, and for intentions the
 * source order Consul imposes (SortSlices) and the Precedence and Type it computes; empty source
 * and target namespaces and partitions compare equal to `default`.
 *
 * Departure: on Enterprise Consul fills a local source's partition with the destination's, which
 * consul-k8s compares with `default`, rewriting the entry at every reconcile in a non-default
 * partition; here an empty source partition compares equal to the install's partition instead.
 */

import { formatGoDuration, parseGoDuration } from '../consul/go-duration.ts';
import { getPath, isRecord } from '../kube/stored-object.ts';
import type { ConfigEntry } from './consul-api.ts';
import { type EntryMapping, entryMeta, goFields, matchesConsul, optionalString } from './entry-mapping.ts';

const ACRONYMS = { http: 'HTTP', jwt: 'JWT' } as const;
type Rec = Record<string, unknown>;

const rec = (v: unknown): Rec => (isRecord(v) ? v : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function withSpec(base: ConfigEntry, fields: Rec): ConfigEntry {
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) base[key] = value;
  return base;
}

/** ServiceIntentions.ToConsul. */
export const serviceIntentionsMapping: EntryMapping = {
  kind: 'ServiceIntentions',
  consulKind: 'service-intentions',
  toConsul(obj, datacenter) {
    const sources = arr(getPath(obj, ['spec', 'sources']));
    const jwt = getPath(obj, ['spec', 'jwt']);
    return withSpec(
      { Kind: 'service-intentions', Name: String(getPath(obj, ['spec', 'destination', 'name']) ?? '') },
      {
        Namespace: optionalString(getPath(obj, ['spec', 'destination', 'namespace'])),
        Sources: sources.map((s) => goFields(s, ACRONYMS)),
        JWT: isRecord(jwt) && Object.keys(jwt).length > 0 ? goFields(jwt, ACRONYMS) : undefined,
        Meta: entryMeta(datacenter),
      },
    );
  },
  matches(desired, actual, partition) {
    const normalize = (sources: unknown) =>
      arr(sources)
        .map((s) => normalizedSource(s, partition))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const rest = (e: ConfigEntry) => ({ JWT: e.JWT });
    return (
      matchesConsul(normalize(desired.Sources), normalize(actual.Sources)) &&
      matchesConsul(rest(desired), rest(actual))
    );
  },
};

/** A source as MatchesConsul compares it: computed fields dropped, empty scopes defaulted. */
function normalizedSource(src: Rec, partition: string): Rec {
  const local = optionalString(src.Peer) === undefined && optionalString(src.SamenessGroup) === undefined;
  return {
    Name: src.Name ?? '',
    Namespace: optionalString(src.Namespace) ?? 'default',
    Partition: optionalString(src.Partition) ?? (local ? partition : 'default'),
    Peer: src.Peer ?? '',
    SamenessGroup: src.SamenessGroup ?? '',
    Action: src.Action ?? '',
    Permissions: src.Permissions ?? [],
    Description: src.Description ?? '',
  };
}

/** metav1.Duration in the Go client's JSON: Duration.String, left out when zero. */
function duration(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ns = parseGoDuration(value);
  return ns === undefined || ns === 0 ? undefined : formatGoDuration(ns);
}

function failoverMap(value: unknown): Rec | undefined {
  const entries = Object.entries(rec(value));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([subset, f]) => [subset, goFields(f)]));
}

function normalizedTargets(entry: ConfigEntry): Rec {
  return Object.fromEntries(
    Object.entries(rec(entry.Failover)).map(([subset, f]) => [
      subset,
      {
        ...rec(f),
        Targets: arr(rec(f).Targets).map((t) => ({
          ...t,
          Namespace: optionalString(t.Namespace) ?? 'default',
          Partition: optionalString(t.Partition) ?? 'default',
        })),
      },
    ]),
  );
}

/** ServiceResolver.ToConsul. */
export const serviceResolverMapping: EntryMapping = {
  kind: 'ServiceResolver',
  consulKind: 'service-resolver',
  toConsul(obj, datacenter) {
    const spec = rec(getPath(obj, ['spec']));
    const subsets = Object.entries(rec(spec.subsets));
    return withSpec(
      { Kind: 'service-resolver', Name: obj.metadata.name ?? '' },
      {
        DefaultSubset: optionalString(spec.defaultSubset),
        Subsets:
          subsets.length === 0 ? undefined : Object.fromEntries(subsets.map(([k, v]) => [k, goFields(v)])),
        Redirect: isRecord(spec.redirect) ? goFields(spec.redirect) : undefined,
        Failover: failoverMap(spec.failover),
        ConnectTimeout: duration(spec.connectTimeout),
        RequestTimeout: duration(spec.requestTimeout),
        LoadBalancer: isRecord(spec.loadBalancer) ? goFields(spec.loadBalancer) : undefined,
        PrioritizeByLocality: isRecord(spec.prioritizeByLocality)
          ? goFields(spec.prioritizeByLocality)
          : undefined,
        Meta: entryMeta(datacenter),
      },
    );
  },
  matches(desired, actual) {
    const scoped = (e: ConfigEntry) => ({ ...e, Failover: normalizedTargets(e) });
    return matchesConsul(scoped(desired), scoped(actual));
  },
};

/** SamenessGroup.ToConsul. */
export const samenessGroupMapping: EntryMapping = {
  kind: 'SamenessGroup',
  consulKind: 'sameness-group',
  toConsul(obj, datacenter) {
    const members = arr(getPath(obj, ['spec', 'members']));
    return withSpec(
      { Kind: 'sameness-group', Name: obj.metadata.name ?? '' },
      {
        DefaultForFailover: getPath(obj, ['spec', 'defaultForFailover']) === true || undefined,
        IncludeLocal: getPath(obj, ['spec', 'includeLocal']) === true || undefined,
        Members: members.map((m) => goFields(m)),
        Meta: entryMeta(datacenter),
      },
    );
  },
  matches(desired, actual) {
    const members = (e: ConfigEntry) =>
      arr(e.Members).map((m) => ({
        Peer: m.Peer ?? '',
        Partition: optionalString(m.Partition) ?? (m.Peer ? '' : 'default'),
      }));
    return (
      matchesConsul({ ...desired, Members: members(desired) }, { ...actual, Members: members(actual) }) &&
      (desired.DefaultForFailover === true) === (actual.DefaultForFailover === true) &&
      (desired.IncludeLocal === true) === (actual.IncludeLocal === true)
    );
  },
};
