/**
 * Policy endpoints as hashicorp/consul agent/acl_endpoint.go serves them: reads by ID and name and
 * the list (`acl:read`; the list has no Rules), create and update (`acl:write`; an update stores
 * the body as sent, so Description and Datacenters are kept only when the body carries them),
 * delete, and the bootstrap endpoint that a managed install has already used.
 */
import { ConsulHttpError } from '../consul-http-error.ts';
import { aclStoreOf, bodyOf, notFound, requireAcl } from './acl-access.ts';
import { decodePolicy } from './acl-body.ts';
import type { ApiContext } from './api-context.ts';
import type { Route } from './route.ts';

function readRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/acl\/policy\/name\/(.+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const policy = acl.policies.byName(req.params[0] ?? '');
        if (policy === undefined) throw notFound('policy');
        return { json: policy, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/policy\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const policy = acl.policies.get(req.params[0] ?? '');
        if (policy === undefined) throw notFound('policy');
        return { json: policy, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/policies$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        return { json: acl.policies.list(), index: api.store.tableIndex('acl') };
      },
    },
  ];
}

function writeRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'PUT',
      path: /^\/v1\/acl\/policy$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const input = decodePolicy(await bodyOf(req, 'Policy decoding failed'));
        if (input.ID) throw new ConsulHttpError(400, 'Cannot specify the ID when creating a new policy');
        requireAcl(req, 'write');
        return { json: acl.policies.put(input) };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/policy\/([^/]+)$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const id = req.params[0] ?? '';
        const input = decodePolicy(await bodyOf(req, 'Policy decoding failed'));
        if (input.ID && input.ID !== id)
          throw new ConsulHttpError(400, 'Policy ID in URL and payload do not match');
        requireAcl(req, 'write');
        return { json: acl.policies.put({ ...input, ID: id }) };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/acl\/policy\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'write');
        acl.policies.delete(req.params[0] ?? '');
        return { json: true };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/bootstrap$/,
      handle() {
        aclStoreOf(api);
        // server-acl-init bootstrapped the ACL system at install.
        throw new ConsulHttpError(403, 'Permission denied: ACL bootstrap no longer allowed (reset index: 1)');
      },
    },
  ];
}

/** The policy endpoints and the bootstrap endpoint. */
export function aclPolicyRoutes(api: ApiContext): Route[] {
  return [...readRoutes(api), ...writeRoutes(api)];
}
