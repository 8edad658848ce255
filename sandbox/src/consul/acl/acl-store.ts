/**
 * The ACL state of one simulated server: policies, roles, tokens, auth methods and binding rules,
 * logins, and the authorizer of a secret. As in hashicorp/consul (agent/consul/acl.go
 * `resolveTokenToIdentityAndPolicies`), a token's permissions are resolved from the current state
 * on every request: its policies, its roles' policies and the synthetic policies of its own and
 * its roles' service and node identities, so a policy linked to a role takes effect at once.
 */
import { AclDenied, type Authorizer, createAuthorizer } from './acl-authorizer.ts';
import type { AclPolicy, AclToken, NodeIdentity, ServiceIdentity, StoredToken } from './acl-types.ts';
import { AclWriteError } from './acl-types.ts';
import { AuthMethodStore } from './auth-method-store.ts';
import type { PolicyRules } from './hcl-rules.ts';
import { parseRules } from './hcl-rules.ts';
import { GLOBAL_MANAGEMENT_POLICY_ID, PolicyTable } from './policy-table.ts';
import { RoleTable } from './role-table.ts';
import { nodeIdentityRules, serviceIdentityRules } from './synthetic-policies.ts';
import { TokenTable } from './token-table.ts';

export type { AclPolicy, AclToken } from './acl-types.ts';
export { AclWriteError } from './acl-types.ts';
export { GLOBAL_MANAGEMENT_POLICY_ID } from './policy-table.ts';

/** A login request (`api.ACLLoginParams`). */
export interface LoginInput {
  readonly AuthMethod?: string | undefined;
  readonly BearerToken?: string | undefined;
  readonly Meta?: Readonly<Record<string, string>> | undefined;
}

/** Every ACL table of a server, plus the index counter of the ACL tables. */
export class AclStore {
  readonly policies: PolicyTable;
  readonly roles: RoleTable;
  readonly tokens: TokenTable;
  readonly auth: AuthMethodStore;

  constructor(
    private readonly enterprise: boolean,
    nextIndex: () => number,
    /** The server's datacenter: node identities and policies scoped to other datacenters grant nothing here. */
    readonly datacenter = 'dc1',
  ) {
    this.policies = new PolicyTable(nextIndex);
    this.roles = new RoleTable(this.policies, nextIndex);
    this.tokens = new TokenTable(this.policies, this.roles, nextIndex);
    this.auth = new AuthMethodStore(nextIndex);
  }

  /**
   * Logs in through an auth method and returns the new token, bound to what the method's binding
   * rules give the identity (agent/consul/acl_endpoint.go `Login`). Real Consul validates the
   * BearerToken, a Kubernetes service account JWT, with the TokenReview API of the cluster named
   * in the method's Config; the sandbox has no JWTs and trusts the BearerToken as the service
   * account's name (`name`, or `namespace/name` to set `serviceaccount.namespace`).
   */
  login(input: LoginInput): AclToken {
    const methodName = input.AuthMethod ?? '';
    const method = this.auth.method(methodName);
    if (method === undefined)
      throw new AclDenied(`ACL not found: auth method ${JSON.stringify(methodName)} not found`);
    if (method.Type !== 'kubernetes')
      throw new AclWriteError(500, `the sandbox simulates kubernetes auth methods only, not ${method.Type}`);
    const bearer = input.BearerToken ?? '';
    if (bearer === '') throw new AclWriteError(500, 'Invalid Login request: the bearer token is empty');
    const slash = bearer.indexOf('/');
    const fields = {
      'serviceaccount.name': bearer.slice(slash + 1),
      'serviceaccount.namespace': slash < 0 ? '' : bearer.slice(0, slash),
      'serviceaccount.uid': '',
    };
    const bound = this.auth.bindings(methodName, fields, this.datacenter);
    // Role links that point nowhere are dropped; a token with no privileges is refused.
    const roles = bound.roleNames.flatMap((name) => {
      const role = this.roles.stored(undefined, name);
      return role === undefined ? [] : [{ ID: role.ID }];
    });
    if (roles.length === 0 && bound.serviceIdentities.length === 0 && bound.nodeIdentities.length === 0)
      throw new AclDenied('Permission denied');
    const meta = Object.keys(input.Meta ?? {}).length > 0 ? `: ${sortedJson(input.Meta ?? {})}` : '';
    return this.tokens.create(
      {
        Description: `token created via login${meta}`,
        Local: method.TokenLocality !== 'global',
        AuthMethod: methodName,
        Roles: roles,
        ServiceIdentities: bound.serviceIdentities,
        NodeIdentities: bound.nodeIdentities,
      },
      true,
    );
  }

  /** The token behind a secret: empty means anonymous; unknown is Consul's 403 "ACL not found". */
  resolve(secret: string): StoredToken {
    const token = this.tokens.bySecret(secret === '' ? 'anonymous' : secret);
    if (token === undefined) throw new AclDenied('ACL not found');
    return token;
  }

  /** The authorizer of a secret, from the current policies, roles and identities (see `resolve`). */
  authorizer(secret: string): Authorizer {
    const token = this.resolve(secret);
    const policyIDs = new Set(token.PolicyIDs);
    const services: ServiceIdentity[] = [...token.ServiceIdentities];
    const nodes: NodeIdentity[] = [...token.NodeIdentities];
    for (const roleID of token.RoleIDs) {
      const role = this.roles.stored(roleID);
      if (role === undefined) continue;
      for (const id of role.PolicyIDs) policyIDs.add(id);
      services.push(...role.ServiceIdentities);
      nodes.push(...role.NodeIdentities);
    }
    const policies = [...policyIDs].flatMap((id) => {
      const policy = this.policies.get(id);
      return policy !== undefined && this.validHere(policy) ? [policy] : [];
    });
    return createAuthorizer({
      accessorID: token.AccessorID,
      management: policies.some((p) => p.ID === GLOBAL_MANAGEMENT_POLICY_ID),
      policies: [
        ...policies.filter((p) => p.ID !== GLOBAL_MANAGEMENT_POLICY_ID).map((p) => this.policies.rules(p)),
        ...this.identityRules(services, nodes),
      ],
      enterprise: this.enterprise,
    });
  }

  /** `filterPoliciesByScope`: a policy with Datacenters applies only in those. */
  private validHere(policy: AclPolicy): boolean {
    return (
      policy.Datacenters === null ||
      policy.Datacenters.length === 0 ||
      policy.Datacenters.includes(this.datacenter)
    );
  }

  private identityRules(services: readonly ServiceIdentity[], nodes: readonly NodeIdentity[]): PolicyRules[] {
    const here = (dcs: readonly string[] | undefined) =>
      dcs === undefined || dcs.length === 0 || dcs.includes(this.datacenter);
    return [
      ...services.filter((s) => here(s.Datacenters)).map((s) => parseRules(serviceIdentityRules(s))),
      ...nodes.filter((n) => n.Datacenter === this.datacenter).map((n) => parseRules(nodeIdentityRules(n))),
    ];
  }
}

/** JSON with sorted keys, as Go marshals a map. */
function sortedJson(meta: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(meta).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}
