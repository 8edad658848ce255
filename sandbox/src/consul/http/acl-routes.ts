/**
 * The ACL endpoints of hashicorp/consul agent/http_register.go: tokens (self, CRUD, list, login,
 * logout), policies, roles, auth methods and binding rules, and bootstrap. Each answers 401
 * "ACL support disabled" when ACLs are off and checks `acl:read`/`acl:write` like the RPC behind it.
 */
import { aclAuthRoutes } from './acl-auth-routes.ts';
import { aclPolicyRoutes } from './acl-policy-routes.ts';
import { aclRoleRoutes } from './acl-role-routes.ts';
import { aclTokenRoutes } from './acl-token-routes.ts';
import type { ApiContext } from './api-context.ts';
import type { Route } from './route.ts';

/** The ACL endpoints. */
export function aclRoutes(api: ApiContext): Route[] {
  return [...aclTokenRoutes(api), ...aclPolicyRoutes(api), ...aclRoleRoutes(api), ...aclAuthRoutes(api)];
}
