/**
 * The ACL policies of a simulated server with the built-in global-management policy, written like
 * hashicorp/consul agent/consul/acl_endpoint.go `PolicySet`: a create needs a unique name, an
 * update (ID given) stores the policy exactly as sent, so a field left out of the body is cleared.
 */
import { randomUUID } from 'node:crypto';
import type { AclPolicy } from './acl-types.ts';
import { AclWriteError } from './acl-types.ts';
import { type PolicyRules, parseRules, RulesError } from './hcl-rules.ts';

/** The ID of Consul's built-in global-management policy. */
export const GLOBAL_MANAGEMENT_POLICY_ID = '00000000-0000-0000-0000-000000000001';

/** A policy write as the API decodes it. */
export interface PolicyInput {
  readonly ID?: string | undefined;
  readonly Name?: string | undefined;
  readonly Description?: string | undefined;
  readonly Rules?: string | undefined;
  readonly Datacenters?: readonly string[] | null | undefined;
}

const VALID_NAME = /^[A-Za-z0-9\-_]{1,128}$/;

function fail(message: string): never {
  throw new AclWriteError(500, message);
}

/** Policies by ID, with their parsed rules cached per modify index. */
export class PolicyTable {
  private readonly policies = new Map<string, AclPolicy>();
  private readonly parsed = new Map<string, { index: number; rules: PolicyRules }>();

  constructor(private readonly nextIndex: () => number) {
    this.policies.set(GLOBAL_MANAGEMENT_POLICY_ID, {
      ID: GLOBAL_MANAGEMENT_POLICY_ID,
      Name: 'global-management',
      Description: 'Builtin Policy that grants unlimited access',
      Rules: 'acl = "write"\noperator = "write"\nmesh = "write"\npeering = "write"\n',
      Datacenters: null,
      CreateIndex: 1,
      ModifyIndex: 1,
    });
  }

  /** Creates a policy (no ID) or replaces one (ID) with what was sent. */
  put(input: PolicyInput): AclPolicy {
    const name = input.Name ?? '';
    if (name === '') fail('Invalid Policy: no Name is set');
    if (!VALID_NAME.test(name))
      fail("Invalid Policy: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
    const byName = this.byName(name);
    const existing = input.ID ? this.policies.get(input.ID) : undefined;
    if (!input.ID && byName !== undefined)
      fail(`Invalid Policy: A Policy with Name ${JSON.stringify(name)} already exists`);
    if (input.ID && existing === undefined) fail(`cannot find policy ${input.ID}`);
    if (existing !== undefined && existing.Name !== name && byName !== undefined)
      fail(`Invalid Policy: A policy with name ${JSON.stringify(name)} already exists`);
    const rules = input.Rules ?? '';
    if (existing?.ID === GLOBAL_MANAGEMENT_POLICY_ID) {
      if (input.Datacenters != null)
        fail('Changing the Datacenters of the builtin global-management policy is not permitted');
      if (rules !== existing.Rules)
        fail('Changing the Rules for the builtin global-management policy is not permitted');
    }
    try {
      parseRules(rules);
    } catch (error) {
      fail(error instanceof RulesError ? error.message : 'Failed to parse ACL rules');
    }
    const index = this.nextIndex();
    const policy: AclPolicy = {
      ID: existing?.ID ?? randomUUID(),
      Name: name,
      Description: input.Description ?? '',
      Rules: rules,
      Datacenters: input.Datacenters ? [...input.Datacenters] : null,
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.policies.set(policy.ID, policy);
    return policy;
  }

  get(id: string): AclPolicy | undefined {
    return this.policies.get(id);
  }

  byName(name: string): AclPolicy | undefined {
    return [...this.policies.values()].find((p) => p.Name === name);
  }

  /** The policies as `GET /v1/acl/policies` lists them: stubs without Rules, in creation order. */
  list(): Array<Omit<AclPolicy, 'Rules'>> {
    return [...this.policies.values()]
      .sort((a, b) => a.CreateIndex - b.CreateIndex)
      .map(({ Rules: _rules, ...stub }) => stub);
  }

  /** Deletes a policy; the built-in one cannot be deleted. */
  delete(id: string): void {
    if (id === GLOBAL_MANAGEMENT_POLICY_ID)
      fail('Delete operation not permitted on the builtin global-management policy');
    this.policies.delete(id);
    this.parsed.delete(id);
  }

  /** The parsed rules of a stored policy (it was validated when written). */
  rules(policy: AclPolicy): PolicyRules {
    const cached = this.parsed.get(policy.ID);
    if (cached !== undefined && cached.index === policy.ModifyIndex) return cached.rules;
    const rules = parseRules(policy.Rules);
    this.parsed.set(policy.ID, { index: policy.ModifyIndex, rules });
    return rules;
  }
}
