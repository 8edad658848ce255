/**
 * ACL tokens and policies of one simulated server: the bootstrap token (global-management), the
 * anonymous token, and the tokens the Helm chart creates with `manageSystemACLs` (connect-injector
 * and mesh gateway, spec 5.2). Resolving a secret gives an Authorizer or Consul's "ACL not found".
 */
import { randomUUID } from 'node:crypto';
import { AclDenied, ANONYMOUS_ACCESSOR_ID, type Authorizer, createAuthorizer } from './acl-authorizer.ts';
import { parseRules, RulesError } from './hcl-rules.ts';

/** The ID of Consul's built-in global-management policy. */
export const GLOBAL_MANAGEMENT_POLICY_ID = '00000000-0000-0000-0000-000000000001';

/** A stored ACL policy, as `api.ACLPolicy`. */
export interface AclPolicy {
  readonly ID: string;
  readonly Name: string;
  readonly Description: string;
  readonly Rules: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A stored ACL token, as `api.ACLToken`. */
export interface AclToken {
  readonly AccessorID: string;
  readonly SecretID: string;
  readonly Description: string;
  readonly Policies: ReadonlyArray<{ readonly ID: string; readonly Name: string }>;
  readonly Local: boolean;
  readonly CreateTime: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A failed ACL write, with the HTTP status Consul answers. */
export class AclWriteError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The mesh gateway policy of the Helm chart; before consul-k8s#1685 it lacked `peering = "read"`. */
export function meshGatewayRules(lacksPeeringRead: boolean): string {
  const peering = lacksPeeringRead ? '' : 'peering = "read"\n';
  const partition = lacksPeeringRead ? '' : 'partition_prefix "" {\n  peering = "read"\n}\n';
  return (
    `mesh = "write"\n${peering}${partition}` +
    'service "mesh-gateway" {\n  policy = "write"\n}\n' +
    'service_prefix "" {\n  policy = "read"\n}\n' +
    'node_prefix "" {\n  policy = "read"\n}\n'
  );
}

/** The connect-injector policy (it runs the peering controllers) without admin partitions. */
export const CONNECT_INJECT_RULES =
  'peering = "write"\nmesh = "write"\nacl = "write"\noperator = "write"\n' +
  'node_prefix "" {\n  policy = "write"\n}\n' +
  'service_prefix "" {\n  policy = "write"\n  intentions = "write"\n}\n';

/** The connect-injector policy with admin partitions: the rules sit in a partition block. */
export const CONNECT_INJECT_RULES_PARTITIONS =
  'partition_prefix "" {\n  peering = "write"\n  mesh = "write"\n  acl = "write"\n' +
  '  node_prefix "" {\n    policy = "write"\n  }\n' +
  '  namespace_prefix "" {\n    service_prefix "" {\n      policy = "write"\n      intentions = "write"\n    }\n  }\n}\n';

/** Tokens and policies, plus the index counter of the ACL tables. */
export class AclStore {
  private readonly policies = new Map<string, AclPolicy>();
  private readonly tokens = new Map<string, AclToken>();

  constructor(
    private readonly enterprise: boolean,
    private readonly nextIndex: () => number,
  ) {
    this.policies.set(GLOBAL_MANAGEMENT_POLICY_ID, {
      ID: GLOBAL_MANAGEMENT_POLICY_ID,
      Name: 'global-management',
      Description: 'Builtin Policy that grants unlimited access',
      Rules: 'acl = "write"\noperator = "write"\nmesh = "write"\npeering = "write"\n',
      CreateIndex: 1,
      ModifyIndex: 1,
    });
    this.putToken({
      AccessorID: ANONYMOUS_ACCESSOR_ID,
      SecretID: 'anonymous',
      Description: 'Anonymous Token',
    });
  }

  /** Creates or replaces a policy; rules are checked like Consul's policy write. */
  putPolicy(input: { ID?: string; Name?: string; Description?: string; Rules?: string }): AclPolicy {
    const name = input.Name ?? '';
    if (name === '') throw new AclWriteError(400, 'Invalid Policy: no name set');
    const id = input.ID ?? randomUUID();
    if (id === GLOBAL_MANAGEMENT_POLICY_ID)
      throw new AclWriteError(
        400,
        'Changing the Rules for the builtin global-management policy is not permitted',
      );
    const clash = [...this.policies.values()].find((p) => p.Name === name && p.ID !== id);
    if (clash) throw new AclWriteError(400, `Invalid Policy: A Policy with Name "${name}" already exists`);
    try {
      parseRules(input.Rules ?? '');
    } catch (error) {
      const reason = error instanceof RulesError ? error.message : 'invalid rules';
      throw new AclWriteError(400, `Invalid Policy: ${reason}`);
    }
    const index = this.nextIndex();
    const policy: AclPolicy = {
      ID: id,
      Name: name,
      Description: input.Description ?? '',
      Rules: input.Rules ?? '',
      CreateIndex: this.policies.get(id)?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.policies.set(id, policy);
    return policy;
  }

  /** Creates or replaces a token; policies may be named by ID or Name. */
  putToken(input: {
    AccessorID?: string;
    SecretID?: string;
    Description?: string;
    Policies?: ReadonlyArray<{ ID?: string; Name?: string }>;
    Local?: boolean;
  }): AclToken {
    const links = (input.Policies ?? []).map((link) => {
      const policy = [...this.policies.values()].find((p) => p.ID === link.ID || p.Name === link.Name);
      if (policy === undefined) {
        throw new AclWriteError(400, `cannot find policy ${JSON.stringify(link.ID ?? link.Name ?? '')}`);
      }
      return { ID: policy.ID, Name: policy.Name };
    });
    const accessorID = input.AccessorID ?? randomUUID();
    const existing = this.tokens.get(accessorID);
    const index = this.nextIndex();
    const token: AclToken = {
      AccessorID: accessorID,
      SecretID: input.SecretID ?? existing?.SecretID ?? randomUUID(),
      Description: input.Description ?? '',
      Policies: links,
      Local: input.Local ?? false,
      CreateTime: existing?.CreateTime ?? new Date().toISOString(),
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.tokens.set(accessorID, token);
    return token;
  }

  policy(idOrName: string): AclPolicy | undefined {
    return this.policies.get(idOrName) ?? [...this.policies.values()].find((p) => p.Name === idOrName);
  }

  token(accessorID: string): AclToken | undefined {
    return this.tokens.get(accessorID);
  }

  listPolicies(): AclPolicy[] {
    return [...this.policies.values()].sort((a, b) => a.CreateIndex - b.CreateIndex);
  }

  listTokens(): AclToken[] {
    return [...this.tokens.values()].sort((a, b) => a.CreateIndex - b.CreateIndex);
  }

  deleteToken(accessorID: string): void {
    if (accessorID !== ANONYMOUS_ACCESSOR_ID) this.tokens.delete(accessorID);
  }

  deletePolicy(id: string): void {
    if (id !== GLOBAL_MANAGEMENT_POLICY_ID) this.policies.delete(id);
  }

  /** The token behind a secret: empty means anonymous; unknown is Consul's 403 "ACL not found". */
  resolve(secret: string): AclToken {
    if (secret === '') return this.tokens.get(ANONYMOUS_ACCESSOR_ID) as AclToken;
    const token = [...this.tokens.values()].find((t) => t.SecretID === secret);
    if (token === undefined) throw new AclDenied('ACL not found');
    return token;
  }

  /** The authorizer of a secret (see `resolve`). */
  authorizer(secret: string): Authorizer {
    const token = this.resolve(secret);
    const policies = token.Policies.flatMap((link) => {
      const policy = this.policies.get(link.ID);
      return policy === undefined ? [] : [policy];
    });
    return createAuthorizer({
      accessorID: token.AccessorID,
      management: policies.some((p) => p.ID === GLOBAL_MANAGEMENT_POLICY_ID),
      policies: policies.filter((p) => p.ID !== GLOBAL_MANAGEMENT_POLICY_ID).map((p) => parseRules(p.Rules)),
      enterprise: this.enterprise,
    });
  }
}
