/**
 * The ACL tokens of a simulated server with the built-in anonymous token, written like
 * hashicorp/consul agent/consul/acl_endpoint.go `tokenSetInternal`: an update keeps the token's
 * SecretID, locality, auth method and creation time and takes everything else (description,
 * policy and role links, identities) from the request, so what the body leaves out is cleared.
 */
import { randomUUID } from 'node:crypto';
import { ANONYMOUS_ACCESSOR_ID } from './acl-authorizer.ts';
import { checkNodeIdentities, checkServiceIdentities, linkIDs, linkView } from './acl-links.ts';
import type { AclLinkInput, AclToken, NodeIdentity, ServiceIdentity, StoredToken } from './acl-types.ts';
import { AclWriteError } from './acl-types.ts';
import type { PolicyTable } from './policy-table.ts';
import type { RoleTable } from './role-table.ts';

/** A token write as the API decodes it. */
export interface TokenInput {
  readonly AccessorID?: string | undefined;
  readonly SecretID?: string | undefined;
  readonly Description?: string | undefined;
  readonly Policies?: readonly AclLinkInput[] | undefined;
  readonly Roles?: readonly AclLinkInput[] | undefined;
  readonly ServiceIdentities?: readonly ServiceIdentity[] | undefined;
  readonly NodeIdentities?: readonly NodeIdentity[] | undefined;
  readonly Local?: boolean | undefined;
  readonly AuthMethod?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESERVED_PREFIX = '00000000-0000-0000-0000-0000000000';

function fail(message: string): never {
  throw new AclWriteError(500, message);
}

/** Tokens by AccessorID. */
export class TokenTable {
  private readonly tokens = new Map<string, StoredToken>();

  constructor(
    private readonly policies: PolicyTable,
    private readonly roles: RoleTable,
    private readonly nextIndex: () => number,
  ) {
    const index = nextIndex();
    this.tokens.set(ANONYMOUS_ACCESSOR_ID, {
      AccessorID: ANONYMOUS_ACCESSOR_ID,
      SecretID: 'anonymous',
      Description: 'Anonymous Token',
      PolicyIDs: [],
      RoleIDs: [],
      ServiceIdentities: [],
      NodeIdentities: [],
      Local: false,
      AuthMethod: '',
      CreateTime: new Date().toISOString(),
      CreateIndex: index,
      ModifyIndex: index,
    });
  }

  /** Creates a token; only a login may set AuthMethod. */
  create(input: TokenInput, fromLogin = false): AclToken {
    const accessorID = input.AccessorID || randomUUID();
    const secretID = input.SecretID || randomUUID();
    for (const [field, id] of [
      ['AccessorID', accessorID],
      ['SecretID', secretID],
    ] as const) {
      if (!UUID.test(id)) fail(`Invalid Token: ${field} is not a valid UUID`);
      if (this.tokens.has(id) || this.bySecret(id) !== undefined)
        fail(`Invalid Token: ${field} is already in use`);
      if (id.startsWith(RESERVED_PREFIX))
        fail(`Invalid Token: UUIDs with the prefix ${JSON.stringify(RESERVED_PREFIX)} are reserved`);
    }
    if (fromLogin && !input.AuthMethod) fail('AuthMethod field is required during Login');
    if (!fromLogin && input.AuthMethod) fail('AuthMethod field is disallowed outside of Login');
    return this.store(input, {
      AccessorID: accessorID,
      SecretID: secretID,
      Local: input.Local ?? false,
      AuthMethod: input.AuthMethod ?? '',
      CreateTime: new Date().toISOString(),
      CreateIndex: undefined,
    });
  }

  /** Replaces a token's description, links and identities with what the request carries. */
  update(accessorID: string, input: TokenInput): AclToken {
    if (!UUID.test(accessorID)) fail('AccessorID is not a valid UUID');
    const existing = this.tokens.get(accessorID);
    if (existing === undefined) fail(`Cannot find token ${JSON.stringify(accessorID)}`);
    if (input.SecretID && input.SecretID !== existing.SecretID)
      fail('Changing a tokens SecretID is not permitted');
    if ((input.Local ?? false) !== existing.Local) fail(`cannot toggle local mode of ${accessorID}`);
    if (input.AuthMethod && input.AuthMethod !== existing.AuthMethod)
      fail(`Cannot change AuthMethod of ${accessorID}`);
    return this.store(input, { ...existing, CreateIndex: existing.CreateIndex });
  }

  get(accessorID: string): AclToken | undefined {
    const token = this.tokens.get(accessorID);
    return token && this.view(token);
  }

  /** The stored token behind a SecretID. */
  bySecret(secretID: string): StoredToken | undefined {
    return [...this.tokens.values()].find((t) => t.SecretID === secretID);
  }

  /** Tokens in creation order; `filter` keeps those linking a policy, role or made by an auth method. */
  list(filter: { policy?: string; role?: string; authMethod?: string } = {}): AclToken[] {
    return [...this.tokens.values()]
      .filter((t) => !filter.policy || t.PolicyIDs.includes(filter.policy))
      .filter((t) => !filter.role || t.RoleIDs.includes(filter.role))
      .filter((t) => !filter.authMethod || t.AuthMethod === filter.authMethod)
      .sort((a, b) => a.CreateIndex - b.CreateIndex)
      .map((t) => this.view(t));
  }

  /** Deletes a token; the anonymous token cannot be deleted. */
  delete(accessorID: string): void {
    if (accessorID === ANONYMOUS_ACCESSOR_ID) fail('Delete operation not permitted on the anonymous token');
    this.tokens.delete(accessorID);
  }

  /** The API shape: current policy and role names, empty lists and AuthMethod omitted. */
  view(token: StoredToken): AclToken {
    const policies = linkView(token.PolicyIDs, (id) => this.policies.get(id));
    const roles = linkView(token.RoleIDs, (id) => this.roles.stored(id));
    return {
      AccessorID: token.AccessorID,
      SecretID: token.SecretID,
      Description: token.Description,
      ...(policies.length > 0 && { Policies: policies }),
      ...(roles.length > 0 && { Roles: roles }),
      ...(token.ServiceIdentities.length > 0 && { ServiceIdentities: token.ServiceIdentities }),
      ...(token.NodeIdentities.length > 0 && { NodeIdentities: token.NodeIdentities }),
      Local: token.Local,
      ...(token.AuthMethod !== '' && { AuthMethod: token.AuthMethod }),
      CreateTime: token.CreateTime,
      CreateIndex: token.CreateIndex,
      ModifyIndex: token.ModifyIndex,
    };
  }

  private store(
    input: TokenInput,
    fixed: Pick<StoredToken, 'AccessorID' | 'SecretID' | 'Local' | 'AuthMethod' | 'CreateTime'> & {
      CreateIndex: number | undefined;
    },
  ): AclToken {
    const policyIDs = linkIDs(
      input.Policies,
      'policy',
      (id) => this.policies.get(id),
      (n) => this.policies.byName(n),
    );
    const roleIDs = linkIDs(
      input.Roles,
      'role',
      (id) => this.roles.stored(id),
      (n) => this.roles.stored(undefined, n),
    );
    const index = this.nextIndex();
    const token: StoredToken = {
      ...fixed,
      Description: input.Description ?? '',
      PolicyIDs: policyIDs,
      RoleIDs: roleIDs,
      ServiceIdentities: checkServiceIdentities(input.ServiceIdentities, 'token'),
      NodeIdentities: checkNodeIdentities(input.NodeIdentities, 'token'),
      CreateIndex: fixed.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.tokens.set(token.AccessorID, token);
    return this.view(token);
  }
}
