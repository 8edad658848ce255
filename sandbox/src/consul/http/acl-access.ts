/**
 * What every ACL endpoint shares, from hashicorp/consul agent/acl_endpoint.go: 401 "ACL support
 * disabled" without ACLs, the `acl:read`/`acl:write` check of the RPC behind it, the 404 text of a
 * missing object, and the caller's secret (for `token/self`, which needs no permission).
 */
import type { Authorizer } from '../acl/acl-authorizer.ts';
import type { AclStore } from '../acl/acl-store.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import type { RouteRequest } from './route.ts';

/** The server's ACL tables, or Consul's answer when ACLs are off. */
export function aclStoreOf(api: ApiContext): AclStore {
  if (api.acl === undefined) throw new ConsulHttpError(401, 'ACL support disabled');
  return api.acl;
}

/**
 * Requires `acl:<want>` of the caller. The sandbox keeps every ACL object in the default
 * partition, so the check is made there (Consul checks in the request's partition and namespace).
 */
export function requireAcl(req: RouteRequest, want: 'read' | 'write'): Authorizer {
  const authz = req.authz();
  authz.require('acl', want, 'default');
  return authz;
}

/** The 404 of a read that found nothing (`acl.ACLResourceNotExistError`, CE wording). */
export function notFound(
  kind: 'token' | 'policy' | 'role' | 'binding rule' | 'auth method',
): ConsulHttpError {
  return new ConsulHttpError(404, `Requested ${kind} does not exist: ACL not found`);
}

/** The caller's secret as agent/http.go `parseToken` finds it: `?token=`, X-Consul-Token, Bearer. */
export function secretOf(req: RouteRequest): string {
  const query = req.url.searchParams.get('token');
  if (query) return query;
  const header = req.raw.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.raw.headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  return '';
}

/** The body of a write; an empty one is Go's EOF, reported with the endpoint's prefix. */
export async function bodyOf(req: RouteRequest, prefix: string): Promise<unknown> {
  const body = await req.body();
  if (body === undefined) throw new ConsulHttpError(400, `${prefix}: EOF`);
  return body;
}
