/**
 * Role endpoints as hashicorp/consul agent/acl_endpoint.go serves them: reads by ID and name and
 * the list (`acl:read`, `?policy=` filter), create and update (`acl:write`; an update replaces
 * the role's policy links and identities with the body's), delete.
 */
import { ConsulHttpError } from '../consul-http-error.ts';
import { aclStoreOf, bodyOf, notFound, requireAcl } from './acl-access.ts';
import { decodeRole } from './acl-body.ts';
import type { ApiContext } from './api-context.ts';
import type { Route } from './route.ts';

function readRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/acl\/role\/name\/(.+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const role = acl.roles.byName(req.params[0] ?? '');
        if (role === undefined) throw notFound('role');
        return { json: role, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/role\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const role = acl.roles.get(req.params[0] ?? '');
        if (role === undefined) throw notFound('role');
        return { json: role, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/roles$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        return {
          json: acl.roles.list(req.url.searchParams.get('policy') ?? ''),
          index: api.store.tableIndex('acl'),
        };
      },
    },
  ];
}

function writeRoutes(api: ApiContext): Route[] {
  // ACLRoleWrite: the ID in the body must match the URL's, which is empty for a create.
  const write = (id: string): Route['handle'] =>
    async function handle(req) {
      const acl = aclStoreOf(api);
      const input = decodeRole(await bodyOf(req, 'Role decoding failed'));
      if (input.ID && input.ID !== id)
        throw new ConsulHttpError(400, 'Role ID in URL and payload do not match');
      requireAcl(req, 'write');
      return { json: acl.roles.put({ ...input, ID: id }) };
    };
  return [
    { method: 'PUT', path: /^\/v1\/acl\/role$/, handle: (req) => write('')(req) },
    { method: 'PUT', path: /^\/v1\/acl\/role\/([^/]+)$/, handle: (req) => write(req.params[0] ?? '')(req) },
    {
      method: 'DELETE',
      path: /^\/v1\/acl\/role\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'write');
        acl.roles.delete(req.params[0] ?? '');
        return { json: true };
      },
    },
  ];
}

/** The role endpoints. */
export function aclRoleRoutes(api: ApiContext): Route[] {
  return [...readRoutes(api), ...writeRoutes(api)];
}
