/**
 * Who may read and write a config entry, as each kind's CanRead and CanWrite in hashicorp/consul
 * agent/structs decide: `mesh:write` for mesh, proxy-defaults, exported-services and
 * sameness-group (config_entry.go, config_entry_exports.go, config_entry_sameness_group.go),
 * `intention:write` on the destination for service-intentions (config_entry_intentions.go),
 * `service:write` on the service plus `service:read` on the local services it sends traffic to for
 * service-resolver (config_entry_discoverychain.go canWriteDiscoveryChain, ListRelatedServices:
 * peer targets are skipped). Reads: `mesh:read` for exported-services, `intention:read` for
 * intentions, `service:read` for resolvers, nothing for the others.
 */
import type { Authorizer } from '../acl/acl-authorizer.ts';

type Entry = Readonly<Record<string, unknown>> & { readonly Kind: string; readonly Name: string };

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function records(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value))
    return value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
  if (value !== null && typeof value === 'object') return records(Object.values(value));
  return [];
}

/** The local services a resolver redirects or fails over to (not itself, not peers'). */
function relatedServices(entry: Entry): string[] {
  const found = new Set<string>();
  const redirect = entry.Redirect as Record<string, unknown> | undefined;
  if (redirect !== undefined && redirect !== null) found.add(str(redirect.Service) || entry.Name);
  for (const failover of records(entry.Failover)) {
    const targets = records(failover.Targets);
    if (targets.length === 0) found.add(str(failover.Service) || entry.Name);
    for (const target of targets) if (str(target.Peer) === '') found.add(str(target.Service) || entry.Name);
  }
  found.delete(entry.Name);
  return [...found].sort();
}

/** Throws Consul's 403 unless the caller may write `entry` in `partition`. */
export function requireWrite(authz: Authorizer, entry: Entry, partition: string): void {
  switch (entry.Kind) {
    case 'service-intentions':
      authz.require('intention', 'write', partition, entry.Name);
      return;
    case 'service-resolver':
      authz.require('service', 'write', partition, entry.Name);
      for (const service of relatedServices(entry)) authz.require('service', 'read', partition, service);
      return;
    default:
      authz.require('mesh', 'write', partition);
  }
}

/** Whether the caller may read an entry of `kind` named `name` in `partition`. */
export function mayRead(authz: Authorizer, kind: string, name: string, partition: string): boolean {
  switch (kind) {
    case 'exported-services':
      return authz.allowed('mesh', 'read', partition);
    case 'service-intentions':
      return authz.allowed('intention', 'read', partition, name);
    case 'service-resolver':
      return authz.allowed('service', 'read', partition, name);
    default:
      return true;
  }
}

/** Throws Consul's 403 unless the caller may read the entry. */
export function requireRead(authz: Authorizer, kind: string, name: string, partition: string): void {
  if (kind === 'exported-services') authz.require('mesh', 'read', partition);
  if (kind === 'service-intentions') authz.require('intention', 'read', partition, name);
  if (kind === 'service-resolver') authz.require('service', 'read', partition, name);
}
