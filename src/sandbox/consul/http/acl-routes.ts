/**
 * ACL endpoints: token self, tokens and policies (create, read, update, delete, list) with
 * Consul's checks (`acl:read`/`acl:write`; a token may always read itself) and answers
 * ("ACL not found", 401 "ACL support disabled" when ACLs are off).
 */
import type { Authorizer } from '../acl/acl-authorizer.ts';
import type { AclStore, AclToken } from '../acl/acl-store.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import type { Route, RouteRequest } from './route.ts';

function storeOf(api: ApiContext): AclStore {
  if (api.acl === undefined) throw new ConsulHttpError(401, 'ACL support disabled');
  return api.acl;
}

function tokenJson(token: AclToken, showSecret: boolean): AclToken {
  return showSecret ? token : { ...token, SecretID: '<hidden>' };
}

function check(req: RouteRequest, want: 'read' | 'write'): Authorizer {
  const authz = req.authz();
  authz.require('acl', want, 'default');
  return authz;
}

async function writeToken(api: ApiContext, req: RouteRequest, accessorID?: string): Promise<AclToken> {
  const acl = storeOf(api);
  check(req, 'write');
  const body = ((await req.body()) ?? {}) as Parameters<AclStore['putToken']>[0];
  if (accessorID !== undefined && acl.token(accessorID) === undefined)
    throw new ConsulHttpError(403, 'ACL not found');
  return acl.putToken({ ...body, ...(accessorID !== undefined && { AccessorID: accessorID }) });
}

async function writePolicy(api: ApiContext, req: RouteRequest, id?: string) {
  const acl = storeOf(api);
  check(req, 'write');
  const body = ((await req.body()) ?? {}) as Parameters<AclStore['putPolicy']>[0];
  return acl.putPolicy({ ...body, ...(id !== undefined && { ID: id }) });
}

function tokenRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/acl\/token\/self$/,
      handle(req) {
        const acl = storeOf(api);
        const authz = req.authz();
        const token = acl.token(authz.accessorID);
        if (token === undefined || token.SecretID === 'anonymous')
          throw new ConsulHttpError(403, 'ACL not found');
        return { json: token, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/token$/,
      handle: async (req) => ({ json: await writeToken(api, req) }),
    },
    {
      method: 'POST',
      path: /^\/v1\/acl\/token$/,
      handle: async (req) => ({ json: await writeToken(api, req) }),
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/token\/([^/]+)$/,
      handle: async (req) => ({ json: await writeToken(api, req, req.params[0]) }),
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/token\/([^/]+)$/,
      handle(req) {
        const acl = storeOf(api);
        const authz = check(req, 'read');
        const token = acl.token(req.params[0] ?? '');
        if (token === undefined) throw new ConsulHttpError(403, 'ACL not found');
        return {
          json: tokenJson(token, authz.allowed('acl', 'write', 'default')),
          index: api.store.tableIndex('acl'),
        };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/acl\/token\/([^/]+)$/,
      handle(req) {
        const acl = storeOf(api);
        check(req, 'write');
        acl.deleteToken(req.params[0] ?? '');
        return { json: true };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/tokens$/,
      handle(req) {
        const acl = storeOf(api);
        const authz = check(req, 'read');
        const show = authz.allowed('acl', 'write', 'default');
        return { json: acl.listTokens().map((t) => tokenJson(t, show)), index: api.store.tableIndex('acl') };
      },
    },
  ];
}

function policyRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'PUT',
      path: /^\/v1\/acl\/policy$/,
      handle: async (req) => ({ json: await writePolicy(api, req) }),
    },
    {
      method: 'POST',
      path: /^\/v1\/acl\/policy$/,
      handle: async (req) => ({ json: await writePolicy(api, req) }),
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/policy\/([^/]+)$/,
      handle: async (req) => ({ json: await writePolicy(api, req, req.params[0]) }),
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/policy\/(?:name\/)?([^/]+)$/,
      handle(req) {
        const acl = storeOf(api);
        check(req, 'read');
        const policy = acl.policy(req.params[0] ?? '');
        if (policy === undefined) throw new ConsulHttpError(403, 'ACL not found');
        return { json: policy, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/acl\/policy\/([^/]+)$/,
      handle(req) {
        const acl = storeOf(api);
        check(req, 'write');
        acl.deletePolicy(req.params[0] ?? '');
        return { json: true };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/policies$/,
      handle(req) {
        const acl = storeOf(api);
        check(req, 'read');
        return { json: acl.listPolicies(), index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/bootstrap$/,
      handle() {
        storeOf(api);
        throw new ConsulHttpError(403, 'Permission denied: ACL bootstrap no longer allowed (reset index: 1)');
      },
    },
  ];
}

/** The ACL endpoints. */
export function aclRoutes(api: ApiContext): Route[] {
  return [...tokenRoutes(api), ...policyRoutes(api)];
}
