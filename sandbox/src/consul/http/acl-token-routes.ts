/**
 * Token endpoints as hashicorp/consul agent/acl_endpoint.go serves them: `token/self` (any valid
 * secret reads its own token), token read and list (`acl:read`, SecretID shown only with
 * `acl:write`), create and update (`acl:write`), delete, and login/logout.
 */
import { ANONYMOUS_ACCESSOR_ID } from '../acl/acl-authorizer.ts';
import type { AclToken } from '../acl/acl-types.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import { aclStoreOf, bodyOf, notFound, requireAcl, secretOf } from './acl-access.ts';
import { decodeAclToken, decodeLogin } from './acl-body.ts';
import type { ApiContext } from './api-context.ts';
import type { Route } from './route.ts';

function shown(token: AclToken, withSecret: boolean): AclToken {
  return withSecret ? token : { ...token, SecretID: '<hidden>' };
}

function readRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/acl\/token\/self$/,
      handle(req) {
        const acl = aclStoreOf(api);
        const token = acl.tokens.bySecret(secretOf(req) || '\0');
        if (token === undefined) throw new ConsulHttpError(404, 'Supplied token does not exist');
        return { json: acl.tokens.view(token), index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/token\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        const authz = requireAcl(req, 'read');
        const token = acl.tokens.get(req.params[0] ?? '');
        if (token === undefined) throw notFound('token');
        return {
          json: shown(token, authz.allowed('acl', 'write', 'default')),
          index: api.store.tableIndex('acl'),
        };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/tokens$/,
      handle(req) {
        const acl = aclStoreOf(api);
        const authz = requireAcl(req, 'read');
        const q = req.url.searchParams;
        const tokens = acl.tokens.list({
          policy: q.get('policy') ?? '',
          role: q.get('role') ?? '',
          authMethod: q.get('authmethod') ?? '',
        });
        const withSecret = authz.allowed('acl', 'write', 'default');
        return { json: tokens.map((t) => shown(t, withSecret)), index: api.store.tableIndex('acl') };
      },
    },
  ];
}

function writeRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'PUT',
      path: /^\/v1\/acl\/token$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const input = decodeAclToken(await bodyOf(req, 'Token decoding failed'));
        requireAcl(req, 'write');
        return { json: acl.tokens.create(input) };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/token\/([^/]+)$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const accessorID = req.params[0] ?? '';
        const input = decodeAclToken(await bodyOf(req, 'Token decoding failed'));
        if (input.AccessorID && input.AccessorID !== accessorID)
          throw new ConsulHttpError(400, 'Token Accessor ID in URL and payload do not match');
        requireAcl(req, 'write');
        return { json: acl.tokens.update(accessorID, input) };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/acl\/token\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'write');
        const accessorID = req.params[0] ?? '';
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(accessorID))
          throw new ConsulHttpError(500, 'Accessor ID is missing or an invalid UUID');
        const token = acl.tokens.get(accessorID);
        if (token !== undefined && accessorID !== ANONYMOUS_ACCESSOR_ID && token.SecretID === secretOf(req))
          throw new ConsulHttpError(500, "Deletion of the request's authorization token is not permitted");
        if (token !== undefined || accessorID === ANONYMOUS_ACCESSOR_ID) acl.tokens.delete(accessorID);
        return { json: true };
      },
    },
  ];
}

function loginRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/acl\/login$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const input = decodeLogin(await bodyOf(req, 'Failed to decode request body'));
        return { json: acl.login(input) };
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/acl\/logout$/,
      handle(req) {
        const acl = aclStoreOf(api);
        const secret = secretOf(req);
        if (secret === '') throw new ConsulHttpError(401, 'Supplied token does not exist');
        const token = acl.tokens.bySecret(secret);
        if (token === undefined) throw new ConsulHttpError(403, 'ACL not found');
        // Only a token made by a login can log out (agent/consul/acl_endpoint.go `Logout`).
        if (token.AuthMethod === '') throw new ConsulHttpError(403, 'Permission denied');
        acl.tokens.delete(token.AccessorID);
        return { json: true };
      },
    },
  ];
}

/** The token, login and logout endpoints. */
export function aclTokenRoutes(api: ApiContext): Route[] {
  return [...readRoutes(api), ...writeRoutes(api), ...loginRoutes(api)];
}
