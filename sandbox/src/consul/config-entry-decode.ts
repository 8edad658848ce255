/**
 * How Consul decodes a config entry body (hashicorp/consul agent/structs/config_entry.go
 * DecodeConfigEntry with lib/decode's HookTranslateKeys): keys are matched to the Go field names
 * case-insensitively and snake_case aliases (`peer_through_mesh_gateways`, `service_subset`,
 * `default_for_failover`) are accepted. The keys of Meta and Config are user data and the keys of
 * the resolver's Subsets and Failover maps are subset names, so those stay as written.
 *
 * Simplified: Consul refuses unknown keys (`invalid config key`); unknown keys are kept here.
 */

const FIELDS = [
  // mesh, proxy-defaults, exported-services
  'Kind',
  'Name',
  'Partition',
  'Namespace',
  'Meta',
  'Peering',
  'PeerThroughMeshGateways',
  'MeshGateway',
  'Mode',
  'Services',
  'Consumers',
  'Peer',
  'SamenessGroup',
  'Config',
  'TransparentProxy',
  'TLS',
  'HTTP',
  'AllowEnablingPermissiveMutualTLS',
  'MutualTLSMode',
  'Protocol',
  'Expose',
  'AccessLogs',
  // service-intentions (config_entry_intentions.go)
  'Sources',
  'Action',
  'Permissions',
  'Precedence',
  'LegacyID',
  'LegacyMeta',
  'LegacyCreateTime',
  'LegacyUpdateTime',
  'Type',
  'Description',
  'JWT',
  'Providers',
  'VerifyClaims',
  'Path',
  'Value',
  'PathExact',
  'PathPrefix',
  'PathRegex',
  'Header',
  'Methods',
  'Present',
  'Exact',
  'Prefix',
  'Suffix',
  'Regex',
  'Invert',
  // service-resolver (config_entry_discoverychain.go)
  'DefaultSubset',
  'Subsets',
  'Filter',
  'OnlyPassing',
  'Redirect',
  'Service',
  'ServiceSubset',
  'Datacenter',
  'Datacenters',
  'Failover',
  'Targets',
  'Policy',
  'Regions',
  'ConnectTimeout',
  'RequestTimeout',
  'LoadBalancer',
  'PrioritizeByLocality',
  // sameness-group (config_entry_sameness_group.go)
  'DefaultForFailover',
  'IncludeLocal',
  'Members',
];

const canonical = new Map(FIELDS.map((f) => [f.toLowerCase(), f]));

/** Fields whose value is user data: neither its keys nor anything below are renamed. */
const OPAQUE = new Set(['Meta', 'Config', 'LegacyMeta']);
/** Maps keyed by subset name: the keys stay, the values are structs again. */
const KEYED_MAPS = new Set(['Subsets', 'Failover']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Renames keys to Go field names, as Consul's decoder matches them. */
export function normaliseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = canonical.get(key.replace(/_/g, '').toLowerCase()) ?? key;
    if (OPAQUE.has(name)) out[name] = inner;
    else if (KEYED_MAPS.has(name) && isObject(inner))
      out[name] = Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, normaliseKeys(v)]));
    else out[name] = normaliseKeys(inner);
  }
  return out;
}
