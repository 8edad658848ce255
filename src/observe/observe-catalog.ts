/**
 * Which services an install's partition has registered, for the plan's check that every exported
 * service exists: `GET /v1/catalog/services` once per namespace the exports name. Read-only, and it
 * never fails the observation: a list that cannot be read is recorded with why.
 */
import { type ConsulClient, ConsulError } from '../consul/consul-client.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import type { ClusterSpec, Topology } from '../topology/index.ts';
import type { AclFacts, CatalogFacts } from './observed-state.ts';

/** The namespaces an install exports from (`default` for entries that name none), sorted. */
export function exportNamespaces(spec: ClusterSpec, topology: Topology): string[] {
  const names = topology.exports
    .filter((e) => e.install === spec.name)
    .flatMap((e) => e.services.map((s) => s.namespace ?? 'default'));
  return [...new Set(names)].sort();
}

/** Why a list could not be read, in the words the plan uses. */
function unreadableWhy(err: ConsulError): string {
  // Consul filters rather than refuses, so a 403 means the token itself was refused.
  if (err.status === 403) return `token lacks service:read (${safeErrorMessage(err)})`;
  return safeErrorMessage(err);
}

/**
 * Whether Consul may have left services out: it drops what the token may not read (agent/consul/
 * acl.go filterServices). Its X-Consul-Results-Filtered-By-ACLs header would say so exactly, but
 * the transports hand back only status and body, so the token's own permissions decide.
 */
function mayBeFiltered(acl: AclFacts | undefined): boolean {
  if (acl === undefined || acl.disabled === true) return false;
  return acl.tokenMissing !== undefined || !(acl.reconcilerPermissions ?? []).includes('service:read');
}

/** The catalog facts of one install, or undefined when it exports nothing. */
export async function observeCatalog(
  spec: ClusterSpec,
  client: ConsulClient,
  namespaces: readonly string[],
  acl: AclFacts | undefined,
): Promise<CatalogFacts | undefined> {
  if (namespaces.length === 0) return undefined;
  const read = await Promise.all(
    namespaces.map(async (ns): Promise<[string, string[] | string]> => {
      // Consul CE knows only the default namespace and answers 400 to any ?ns=.
      if (!spec.enterprise && ns !== 'default') return [ns, 'namespaces are a Consul Enterprise feature'];
      try {
        const listed = await client.listServices(spec.enterprise ? { namespace: ns } : {});
        return [ns, Object.keys(listed).sort()];
      } catch (err) {
        // Even an answer that is not JSON only leaves this check undone.
        return [ns, err instanceof ConsulError ? unreadableWhy(err) : safeErrorMessage(err)];
      }
    }),
  );
  const services: Record<string, string[]> = {};
  const unreadable: Record<string, string> = {};
  for (const [ns, result] of read) {
    if (typeof result === 'string') unreadable[ns] = result;
    else services[ns] = result;
  }
  return { services, unreadable, ...(mayBeFiltered(acl) && { lacksServiceRead: true }) };
}
