/**
 * How the config-entry CRDs map to Consul config entries (consul-k8s `ToConsul`): Mesh → `mesh`,
 * ProxyDefaults → `proxy-defaults`, ExportedServices → `exported-services` here, and the traffic
 * kinds of traffic-entry-kinds.ts, each with the Meta consul-k8s stamps on entries it manages.
 */
import { getPath, isRecord } from '../kube/stored-object.ts';
import type { ConfigEntry } from './consul-api.ts';
import { type ConfigEntryKind, type EntryMapping, entryMeta, optionalString } from './entry-mapping.ts';
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
  ServiceIntentions: serviceIntentionsMapping,
  ServiceResolver: serviceResolverMapping,
  SamenessGroup: samenessGroupMapping,
};
