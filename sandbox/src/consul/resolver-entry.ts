/**
 * `service-resolver` Validate, from hashicorp/consul agent/structs/config_entry_discoverychain.go
 * (ServiceResolverConfigEntry.Validate) and its CE half config_entry_discoverychain_ce.go
 * (ValidateEnterprise: namespaces, partitions and sameness groups need Enterprise). Failover
 * targets naming a peer are accepted whether or not the peering exists, as in Consul: a target is
 * resolved when proxies are configured, not when the entry is written.
 *
 * Simplified: subset filters are not parsed as go-bexpr expressions, load balancer and
 * prioritizeByLocality settings are stored unchecked, and the write does not compile the
 * discovery chain (protocol compatibility with service-defaults is not checked). The Enterprise
 * SamenessGroup checks are worded like the neighbouring failover checks: that source is not
 * public.
 */
import { ConfigEntryError } from './config-entry-error.ts';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

type Rec = Record<string, unknown>;

const SUBSET_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function rec(value: unknown): Rec {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Rec) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function refuse(message: string): never {
  throw new ConfigEntryError(500, message);
}

/**
 * The timeouts as Consul keeps them: parsed by ServiceResolverConfigEntry.UnmarshalJSON
 * (time.ParseDuration) and written back by its MarshalJSON with Duration.String; zero is left out.
 */
function normalizeDuration(entry: Rec, field: 'ConnectTimeout' | 'RequestTimeout'): void {
  const value = entry[field];
  if (value === undefined || value === null || value === '') {
    delete entry[field];
    return;
  }
  const ns = typeof value === 'number' ? value : parseGoDuration(String(value));
  if (ns === undefined)
    throw new ConfigEntryError(
      400,
      `Request decoding failed: time: invalid duration ${JSON.stringify(String(value))}`,
    );
  if (ns < 0) refuse(`Bad ${field} '${formatGoDuration(ns)}', must be >= 0`);
  if (ns === 0) delete entry[field];
  else entry[field] = formatGoDuration(ns);
}

function redirectError(entry: Rec, r: Rec, enterprise: boolean, isSubset: (s: string) => boolean) {
  if (!enterprise) {
    if (str(r.Partition) !== '') return 'Redirect: Setting Partition requires Consul Enterprise';
    if (str(r.Namespace) !== '') return 'Redirect: Setting Namespace requires Consul Enterprise';
    if (str(r.SamenessGroup) !== '') return 'Redirect: Setting SamenessGroup requires Consul Enterprise';
  }
  if (list(Object.keys(rec(entry.Failover))).length > 0) return 'Redirect and Failover cannot both be set';
  const fields = [
    'Service',
    'ServiceSubset',
    'Namespace',
    'Partition',
    'Datacenter',
    'Peer',
    'SamenessGroup',
  ];
  if (fields.every((f) => str(r[f]) === '')) return 'Redirect is empty';
  if (str(r.Peer) !== '' && str(r.ServiceSubset) !== '')
    return 'Redirect.Peer cannot be set with Redirect.ServiceSubset';
  if (str(r.Peer) !== '' && str(r.Partition) !== '')
    return 'Redirect.Partition cannot be set with Redirect.Peer';
  if (str(r.Peer) !== '' && str(r.Datacenter) !== '')
    return 'Redirect.Peer cannot be set with Redirect.Datacenter';
  const subset = str(r.ServiceSubset);
  if (subset !== '' && (str(r.Service) === '' || r.Service === entry.Name) && !isSubset(subset))
    return `Redirect.ServiceSubset ${JSON.stringify(subset)} is not a valid subset of ${JSON.stringify(entry.Name)}`;
  return undefined;
}

function targetError(
  entry: Rec,
  t: Rec,
  prefix: string,
  enterprise: boolean,
  isSubset: (s: string) => boolean,
) {
  if (!enterprise && str(t.Partition) !== '') return `${prefix}Setting Partition requires Consul Enterprise`;
  if (!enterprise && str(t.Namespace) !== '') return `${prefix}Setting Namespace requires Consul Enterprise`;
  const peer = str(t.Peer);
  const subset = str(t.ServiceSubset);
  const partition = str(t.Partition);
  const dc = str(t.Datacenter);
  if (peer !== '' && subset !== '') return `${prefix}Peer cannot be set with ServiceSubset`;
  if (peer !== '' && partition !== '') return `${prefix}Partition cannot be set with Peer`;
  if (peer !== '' && dc !== '') return `${prefix}Peer cannot be set with Datacenter`;
  if (partition !== '' && dc !== '') return `${prefix}Partition cannot be set with Datacenter`;
  if (subset !== '' && (str(t.Service) === '' || t.Service === entry.Name) && !isSubset(subset))
    return `${prefix}ServiceSubset ${JSON.stringify(subset)} is not a valid subset of ${JSON.stringify(entry.Name)}`;
  return undefined;
}

function failoverError(entry: Rec, key: string, f: Rec, ctx: Ctx): string | undefined {
  const prefix = `Bad Failover[${JSON.stringify(key)}]: `;
  const targets = list(f.Targets).map(rec);
  const datacenters = list(f.Datacenters);
  const group = str(f.SamenessGroup);
  if (ctx.partition !== 'default' && datacenters.length > 0)
    return 'Cross-datacenter failover is only supported in the default partition';
  if (!ctx.enterprise && str(f.Namespace) !== '')
    return `${prefix}Setting Namespace requires Consul Enterprise`;
  if (!ctx.enterprise && group !== '') return `${prefix}Setting SamenessGroup requires Consul Enterprise`;
  if (key !== '*' && !ctx.isSubset(key)) return `${prefix}not a valid subset subset`;
  const empty = ['Service', 'ServiceSubset', 'Namespace'].every((k) => str(f[k]) === '');
  if (empty && datacenters.length === 0 && targets.length === 0 && group === '' && f.Policy === undefined)
    return `${prefix}one of Service, ServiceSubset, Namespace, Targets, or Datacenters is required`;
  const subset = str(f.ServiceSubset);
  if (subset !== '' && (str(f.Service) === '' || f.Service === entry.Name) && !ctx.isSubset(subset))
    return `${prefix}ServiceSubset ${JSON.stringify(subset)} is not a valid subset of ${JSON.stringify(str(f.Service))}`;
  if (group !== '' && datacenters.length > 0) return `${prefix}SamenessGroup cannot be set with Datacenters`;
  if (group !== '' && subset !== '') return `${prefix}SamenessGroup cannot be set with ServiceSubset`;
  if (group !== '' && targets.length > 0) return `${prefix}SamenessGroup cannot be set with Targets`;
  if (datacenters.length > 0 && targets.length > 0) return `${prefix}Targets cannot be set with Datacenters`;
  if (subset !== '' && targets.length > 0) return `${prefix}Targets cannot be set with ServiceSubset`;
  if (str(f.Service) !== '' && targets.length > 0) return `${prefix}Targets cannot be set with Service`;
  for (const [i, target] of targets.entries()) {
    const where = `Bad Failover[${JSON.stringify(key)}].Targets[${i}]: `;
    const error = targetError(entry, target, where, ctx.enterprise, ctx.isSubset);
    if (error !== undefined) return error;
  }
  if (datacenters.some((dc) => dc === ''))
    return `Bad Failover[${JSON.stringify(key)}].Datacenters: found empty datacenter`;
  return undefined;
}

interface Ctx {
  readonly enterprise: boolean;
  readonly partition: string;
  isSubset(name: string): boolean;
}

/** Decoding and Validate of a `service-resolver` entry written to `partition`; returns it as stored. */
export function normalizeResolver(raw: Rec, partition: string, enterprise: boolean): Rec {
  const entry = { ...raw };
  normalizeDuration(entry, 'ConnectTimeout');
  normalizeDuration(entry, 'RequestTimeout');
  const subsets = rec(entry.Subsets);
  for (const name of Object.keys(subsets)) {
    if (name === '') refuse('Subset defined with empty name');
    if (name.length > 63)
      refuse(`Subset ${JSON.stringify(name)} is invalid: must be non-empty and 63 characters or fewer`);
    if (!SUBSET_NAME.test(name))
      refuse(
        `Subset ${JSON.stringify(name)} is invalid: must be 63 characters or fewer, begin or end with lower case alphanumeric characters, and contain lower case alphanumeric characters or '-' in between`,
      );
  }
  const isSubset = (name: string) => Object.hasOwn(subsets, name);
  const defaultSubset = str(entry.DefaultSubset);
  if (defaultSubset !== '' && !isSubset(defaultSubset))
    refuse(`DefaultSubset ${JSON.stringify(defaultSubset)} is not a valid subset`);
  if (entry.Redirect !== undefined && entry.Redirect !== null) {
    const error = redirectError(entry, rec(entry.Redirect), enterprise, isSubset);
    if (error !== undefined) refuse(error);
  }
  const ctx: Ctx = { enterprise, partition, isSubset };
  for (const [key, failover] of Object.entries(rec(entry.Failover))) {
    const error = failoverError(entry, key, rec(failover), ctx);
    if (error !== undefined) refuse(error);
  }
  return entry;
}
