/**
 * Auth method and binding rule endpoints as hashicorp/consul agent/acl_endpoint.go serves them:
 * lists and reads need `acl:read` (the method list has no Config), writes `acl:write`.
 */
import { ConsulHttpError } from '../consul-http-error.ts';
import { aclStoreOf, bodyOf, notFound, requireAcl } from './acl-access.ts';
import { decodeAuthMethod, decodeBindingRule } from './acl-body.ts';
import type { ApiContext } from './api-context.ts';
import type { Route } from './route.ts';

function methodRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/acl\/auth-methods$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        return { json: acl.auth.listMethods(), index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/auth-method\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const method = acl.auth.method(req.params[0] ?? '');
        if (method === undefined) throw notFound('auth method');
        return { json: method, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/auth-method(?:\/([^/]+))?$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const name = req.params[0] ?? '';
        const input = decodeAuthMethod(await bodyOf(req, 'AuthMethod decoding failed'));
        if (name !== '' && input.Name && input.Name !== name)
          throw new ConsulHttpError(400, 'AuthMethod Name in URL and payload do not match');
        requireAcl(req, 'write');
        return { json: acl.auth.putMethod({ ...input, Name: input.Name || name }) };
      },
    },
  ];
}

function bindingRuleRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/acl\/binding-rules$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const method = req.url.searchParams.get('authmethod') ?? '';
        return { json: acl.auth.listBindingRules(method), index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/acl\/binding-rule\/([^/]+)$/,
      handle(req) {
        const acl = aclStoreOf(api);
        requireAcl(req, 'read');
        const rule = acl.auth.listBindingRules().find((r) => r.ID === req.params[0]);
        if (rule === undefined) throw notFound('binding rule');
        return { json: rule, index: api.store.tableIndex('acl') };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/acl\/binding-rule(?:\/([^/]+))?$/,
      async handle(req) {
        const acl = aclStoreOf(api);
        const id = req.params[0] ?? '';
        const input = decodeBindingRule(await bodyOf(req, 'BindingRule decoding failed'));
        if (input.ID && input.ID !== id)
          throw new ConsulHttpError(400, 'BindingRule ID in URL and payload do not match');
        requireAcl(req, 'write');
        return { json: acl.auth.putBindingRule({ ...input, ID: id }) };
      },
    },
  ];
}

/** The auth method and binding rule endpoints. */
export function aclAuthRoutes(api: ApiContext): Route[] {
  return [...methodRoutes(api), ...bindingRuleRoutes(api)];
}
