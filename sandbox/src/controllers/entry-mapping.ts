/**
 * What every config-entry CRD mapping shares (consul-k8s control-plane/api/v1alpha1): the Meta
 * consul-k8s stamps on entries it manages (shared_types.go meta), the kinds reconciled here, the
 * shape of a kind's ToConsul and MatchesConsul, and the generic comparison used when a kind needs
 * no special equality (cmpopts.EquateEmpty: missing fields equal zero values).
 */
import { isRecord, type StoredObject } from '../kube/stored-object.ts';
import type { ConfigEntry } from './consul-api.ts';

/** Meta key naming the datacenter whose controller manages an entry. */
export const SOURCE_DATACENTER_META = 'consul.hashicorp.com/source-datacenter';
/** Meta key marking entries written from Kubernetes. */
export const EXTERNAL_SOURCE_META = 'external-source';
/** Annotation that lets a CR take over an entry created outside Kubernetes. */
export const MIGRATE_ENTRY_ANNOTATION = 'consul.hashicorp.com/migrate-entry';

/** The config-entry kinds the sandbox reconciles. */
export type ConfigEntryKind =
  | 'Mesh'
  | 'ProxyDefaults'
  | 'ExportedServices'
  | 'ServiceIntentions'
  | 'ServiceResolver'
  | 'SamenessGroup';

/** One CRD kind's mapping to Consul. */
export interface EntryMapping {
  readonly kind: ConfigEntryKind;
  readonly consulKind: string;
  toConsul(obj: StoredObject, datacenter: string): ConfigEntry;
  /** MatchesConsul; `partition` is the install's. Defaults to matchesConsul. */
  matches?(desired: ConfigEntry, actual: ConfigEntry, partition: string): boolean;
}

/** The Meta of an entry written from Kubernetes. */
export function entryMeta(datacenter: string): Record<string, string> {
  return { [EXTERNAL_SOURCE_META]: 'kubernetes', [SOURCE_DATACENTER_META]: datacenter };
}

/** A non-empty string, else undefined (Go's omitempty). */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.values(v).every(isZero);
}

/**
 * Whether Consul's entry carries everything the CR asks for. Missing fields equal zero values, as
 * in Go structs; Meta, indexes and fields the CR does not set are ignored. Lenient: the traffic
 * kinds use it because Consul adds computed fields (intention Precedence) their real MatchesConsul
 * ignores one by one; equalsConsul is the real comparison.
 */
export function matchesConsul(desired: unknown, actual: unknown): boolean {
  if (isZero(desired)) return isZero(actual);
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((d, i) => matchesConsul(d, actual[i]))
    );
  }
  if (isRecord(desired)) {
    if (!isRecord(actual)) return false;
    return Object.entries(desired).every(
      ([k, v]) => ['Meta', 'Name', 'Kind'].includes(k) || matchesConsul(v, actual[k]),
    );
  }
  return desired === actual;
}

/** Fields consul-k8s's MatchesConsul ignores (cmpopts.IgnoreFields in mesh_types.go and its siblings). */
const IGNORED_BY_MATCHES = new Set(['Partition', 'Namespace', 'Meta', 'ModifyIndex', 'CreateIndex']);

/**
 * consul-k8s's MatchesConsul for Mesh, ProxyDefaults and ExportedServices (mesh_types.go,
 * proxydefaults_types.go, exportedservices_types.go): cmp.Equal of the whole ToConsul output with
 * Consul's entry, so a field set in Consul but not in the CR is a difference too. Missing, null and
 * empty values are equal (cmpopts.EquateEmpty; Go's nil and zero-valued pointers are treated alike
 * here, a simplification that only ever makes an entry match).
 */
export function equalsConsul(desired: ConfigEntry, actual: ConfigEntry): boolean {
  const keys = new Set([...Object.keys(desired), ...Object.keys(actual)]);
  return [...keys].every((k) => IGNORED_BY_MATCHES.has(k) || sameValue(desired[k], actual[k]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isZero(a) || isZero(b)) return isZero(a) && isZero(b);
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/**
 * A CR value in the Go API struct's JSON: lowerCamel keys become the Go field names (with
 * `renames` for acronyms such as http → HTTP), empty values are left out (omitempty). Maps keyed
 * by user names (subsets) must not go through here.
 */
export function goFields(value: unknown, renames: Readonly<Record<string, string>> = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => goFields(v, renames));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isZero(inner)) continue;
    out[renames[key] ?? key.charAt(0).toUpperCase() + key.slice(1)] = goFields(inner, renames);
  }
  return out;
}
