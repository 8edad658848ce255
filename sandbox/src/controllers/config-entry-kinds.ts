/**
 * How the peering-related config-entry CRDs map to Consul config entries (consul-k8s `ToConsul`):
 * Mesh → `mesh`, ProxyDefaults → `proxy-defaults`, ExportedServices → `exported-services`, each with
 * the Meta consul-k8s stamps on entries it manages, and its `MatchesConsul` comparison.
 */
import { getPath, isRecord, type StoredObject } from '../kube/stored-object.ts';
import type { ConfigEntry } from './consul-api.ts';

/** Meta key naming the datacenter whose controller manages an entry. */
export const SOURCE_DATACENTER_META = 'consul.hashicorp.com/source-datacenter';
/** Meta key marking entries written from Kubernetes. */
export const EXTERNAL_SOURCE_META = 'external-source';
/** Annotation that lets a CR take over an entry created outside Kubernetes. */
export const MIGRATE_ENTRY_ANNOTATION = 'consul.hashicorp.com/migrate-entry';

/** The config-entry kinds the sandbox reconciles. */
export type ConfigEntryKind = 'Mesh' | 'ProxyDefaults' | 'ExportedServices';

/** One CRD kind's mapping to Consul. */
export interface EntryMapping {
  readonly kind: ConfigEntryKind;
  readonly consulKind: string;
  toConsul(obj: StoredObject, datacenter: string): ConfigEntry;
}

function meta(datacenter: string): Record<string, string> {
  return { [EXTERNAL_SOURCE_META]: 'kubernetes', [SOURCE_DATACENTER_META]: datacenter };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function consumers(list: unknown): Array<Record<string, string>> {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((c) => {
    const out: Record<string, string> = {};
    for (const [from, to] of [
      ['peer', 'Peer'],
      ['partition', 'Partition'],
      ['samenessGroup', 'SamenessGroup'],
    ] as const) {
      const v = str(c[from]);
      if (v !== undefined) out[to] = v;
    }
    return out;
  });
}

const mesh: EntryMapping = {
  kind: 'Mesh',
  consulKind: 'mesh',
  toConsul(obj, datacenter) {
    const entry: ConfigEntry = { Kind: 'mesh', Name: 'mesh', Meta: meta(datacenter) };
    entry.Peering = {
      PeerThroughMeshGateways: getPath(obj, ['spec', 'peering', 'peerThroughMeshGateways']) === true,
    };
    const tproxy = getPath(obj, ['spec', 'transparentProxy', 'meshDestinationsOnly']);
    if (typeof tproxy === 'boolean') entry.TransparentProxy = { MeshDestinationsOnly: tproxy };
    const permissive = getPath(obj, ['spec', 'allowEnablingPermissiveMutualTLS']);
    if (typeof permissive === 'boolean') entry.AllowEnablingPermissiveMutualTLS = permissive;
    return entry;
  },
};

const proxyDefaults: EntryMapping = {
  kind: 'ProxyDefaults',
  consulKind: 'proxy-defaults',
  toConsul(obj, datacenter) {
    const entry: ConfigEntry = { Kind: 'proxy-defaults', Name: 'global', Meta: meta(datacenter) };
    const mode = str(getPath(obj, ['spec', 'meshGateway', 'mode']));
    entry.MeshGateway = mode === undefined ? {} : { Mode: mode };
    const proxyMode = str(getPath(obj, ['spec', 'mode']));
    if (proxyMode !== undefined) entry.Mode = proxyMode;
    const config = getPath(obj, ['spec', 'config']);
    if (isRecord(config)) entry.Config = config;
    return entry;
  },
};

const exportedServices: EntryMapping = {
  kind: 'ExportedServices',
  consulKind: 'exported-services',
  toConsul(obj, datacenter) {
    const services = getPath(obj, ['spec', 'services']);
    return {
      Kind: 'exported-services',
      Name: obj.metadata.name ?? 'default',
      Meta: meta(datacenter),
      Services: (Array.isArray(services) ? services : []).filter(isRecord).map((s) => ({
        Name: String(s.name ?? ''),
        ...(str(s.namespace) !== undefined && { Namespace: str(s.namespace) }),
        Consumers: consumers(s.consumers),
      })),
    };
  },
};

/** The mapping of each kind. */
export const entryMappings: Readonly<Record<ConfigEntryKind, EntryMapping>> = {
  Mesh: mesh,
  ProxyDefaults: proxyDefaults,
  ExportedServices: exportedServices,
};

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.values(v).every(isZero);
}

/**
 * Whether Consul's entry carries everything the CR asks for. Missing fields equal zero values, as
 * in Go structs; Meta, indexes and fields the CR does not set are ignored.
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
