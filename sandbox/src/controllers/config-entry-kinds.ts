/**
 * How the config-entry CRDs map to Consul config entries (consul-k8s `ToConsul`): Mesh → `mesh`,
 * ProxyDefaults → `proxy-defaults`, ExportedServices → `exported-services` here, and the traffic
 * kinds of traffic-entry-kinds.ts, each with the Meta consul-k8s stamps on entries it manages.
 */
import { getPath, isRecord, type StoredObject } from '../kube/stored-object.ts';
import type { ConfigEntry } from './consul-api.ts';
import {
  type ConfigEntryKind,
  type EntryMapping,
  entryMeta,
  equalsConsul,
  goFields,
  optionalString,
} from './entry-mapping.ts';
import {
  samenessGroupMapping,
  serviceIntentionsMapping,
  serviceResolverMapping,
} from './traffic-entry-kinds.ts';

export {
  type ConfigEntryKind,
  type EntryMapping,
  EXTERNAL_SOURCE_META,
  MIGRATE_ENTRY_ANNOTATION,
  matchesConsul,
  SOURCE_DATACENTER_META,
} from './entry-mapping.ts';

const meta = entryMeta;
const str = optionalString;

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

/** JSON names whose Go field is not the capitalized name (capi's TLS*, HTTP, JSONFormat). */
const ACRONYMS: Readonly<Record<string, string>> = {
  tls: 'TLS',
  http: 'HTTP',
  tlsMinVersion: 'TLSMinVersion',
  tlsMaxVersion: 'TLSMaxVersion',
  jsonFormat: 'JSONFormat',
};

/** The spec's fields named in `fields`, as Go struct JSON; `raw` ones are user data, kept as written. */
function specFields(
  obj: StoredObject,
  fields: readonly string[],
  raw: readonly string[] = [],
): Record<string, unknown> {
  const spec = getPath(obj, ['spec']);
  if (!isRecord(spec)) return {};
  const picked = Object.fromEntries(
    fields.filter((f) => f in spec && !raw.includes(f)).map((f) => [f, spec[f]]),
  );
  const out = goFields(picked, ACRONYMS) as Record<string, unknown>;
  for (const f of raw) if (isRecord(spec[f]) && Object.keys(spec[f]).length > 0) out[goName(f)] = spec[f];
  return out;
}

const goName = (field: string): string => field.charAt(0).toUpperCase() + field.slice(1);

/** Mesh.ToConsul (mesh_types.go): every spec field. */
const mesh: EntryMapping = {
  kind: 'Mesh',
  consulKind: 'mesh',
  toConsul(obj, datacenter) {
    const fields = [
      'transparentProxy',
      'allowEnablingPermissiveMutualTLS',
      'tls',
      'http',
      'peering',
      'validateClusters',
    ];
    return { Kind: 'mesh', Name: 'mesh', ...specFields(obj, fields), Meta: meta(datacenter) };
  },
  matches: equalsConsul,
};

/**
 * ProxyDefaults.ToConsul (proxydefaults_types.go). It leaves spec.mode out: the CRD accepts a proxy
 * mode that consul-k8s never sends to Consul, so an entry carrying a Mode never matches.
 */
const proxyDefaults: EntryMapping = {
  kind: 'ProxyDefaults',
  consulKind: 'proxy-defaults',
  toConsul(obj, datacenter) {
    const fields = [
      'meshGateway',
      'expose',
      'transparentProxy',
      'mutualTLSMode',
      'accessLogs',
      'failoverPolicy',
      'prioritizeByLocality',
    ];
    const extensions = getPath(obj, ['spec', 'envoyExtensions']);
    return {
      Kind: 'proxy-defaults',
      Name: 'global',
      ...specFields(obj, fields, ['config']),
      ...(Array.isArray(extensions) &&
        extensions.length > 0 && { EnvoyExtensions: extensions.filter(isRecord).map(envoyExtension) }),
      Meta: meta(datacenter),
    };
  },
  matches: equalsConsul,
};

/** One EnvoyExtension; its Arguments are the extension's own data, kept as written. */
function envoyExtension(e: Record<string, unknown>): Record<string, unknown> {
  const { arguments: args, ...rest } = e;
  return { ...(goFields(rest, ACRONYMS) as object), ...(isRecord(args) && { Arguments: args }) };
}

/** A consumer's empty Partition is the default one (exportedservices_types.go NormalizePartition). */
function defaultPartitions(entry: ConfigEntry): ConfigEntry {
  const services = Array.isArray(entry.Services) ? entry.Services.filter(isRecord) : [];
  return {
    ...entry,
    Services: services.map((s) => ({
      ...s,
      Consumers: (Array.isArray(s.Consumers) ? s.Consumers.filter(isRecord) : []).map((c) =>
        'Partition' in c ? { ...c, Partition: c.Partition === '' ? 'default' : c.Partition } : c,
      ),
    })),
  };
}

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
  matches: (desired, actual) => equalsConsul(defaultPartitions(desired), defaultPartitions(actual)),
};

/** The mapping of each kind. */
export const entryMappings: Readonly<Record<ConfigEntryKind, EntryMapping>> = {
  Mesh: mesh,
  ProxyDefaults: proxyDefaults,
  ExportedServices: exportedServices,
  ServiceIntentions: serviceIntentionsMapping,
  ServiceResolver: serviceResolverMapping,
  SamenessGroup: samenessGroupMapping,
};
