/**
 * The ACL roles of a simulated server, written like hashicorp/consul
 * agent/consul/acl_endpoint.go `RoleSet`: a role is stored exactly as sent (an update replaces its
 * policy links and identities), policy links by name become IDs, and names are unique.
 */
import { randomUUID } from 'node:crypto';
import { checkNodeIdentities, checkServiceIdentities, linkIDs, linkView } from './acl-links.ts';
import type { AclLinkInput, AclRole, NodeIdentity, ServiceIdentity, StoredRole } from './acl-types.ts';
import { AclWriteError } from './acl-types.ts';
import type { PolicyTable } from './policy-table.ts';

/** A role write as the API decodes it. */
export interface RoleInput {
  readonly ID?: string | undefined;
  readonly Name?: string | undefined;
  readonly Description?: string | undefined;
  readonly Policies?: readonly AclLinkInput[] | undefined;
  readonly ServiceIdentities?: readonly ServiceIdentity[] | undefined;
  readonly NodeIdentities?: readonly NodeIdentity[] | undefined;
}

const VALID_NAME = /^[A-Za-z0-9\-_]{1,256}$/;

function fail(message: string): never {
  throw new AclWriteError(500, message);
}

/** Roles by ID. */
export class RoleTable {
  private readonly roles = new Map<string, StoredRole>();

  constructor(
    private readonly policies: PolicyTable,
    private readonly nextIndex: () => number,
  ) {}

  /** Creates a role (no ID) or replaces one (ID) with what was sent. */
  put(input: RoleInput): AclRole {
    const name = input.Name ?? '';
    if (name === '') fail('Invalid Role: no Name is set');
    if (!VALID_NAME.test(name))
      fail("Invalid Role: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
    const byName = this.stored(undefined, name);
    const existing = input.ID ? this.roles.get(input.ID) : undefined;
    if (!input.ID && byName !== undefined)
      fail(`Invalid Role: A Role with Name ${JSON.stringify(name)} already exists`);
    if (input.ID && existing === undefined) fail(`cannot find role ${input.ID}`);
    if (existing !== undefined && existing.Name !== name && byName !== undefined)
      fail(`Invalid Role: A role with name ${JSON.stringify(name)} already exists`);
    const policyIDs = linkIDs(
      input.Policies,
      'policy',
      (id) => this.policies.get(id),
      (n) => this.policies.byName(n),
    );
    const index = this.nextIndex();
    const role: StoredRole = {
      ID: existing?.ID ?? randomUUID(),
      Name: name,
      Description: input.Description ?? '',
      PolicyIDs: policyIDs,
      ServiceIdentities: checkServiceIdentities(input.ServiceIdentities, 'role'),
      NodeIdentities: checkNodeIdentities(input.NodeIdentities, 'role'),
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.roles.set(role.ID, role);
    return this.view(role);
  }

  /** The stored role with this ID, or else with this name. */
  stored(id: string | undefined, name?: string): StoredRole | undefined {
    if (id !== undefined) return this.roles.get(id);
    return [...this.roles.values()].find((r) => r.Name === name);
  }

  get(id: string): AclRole | undefined {
    const role = this.roles.get(id);
    return role && this.view(role);
  }

  byName(name: string): AclRole | undefined {
    const role = this.stored(undefined, name);
    return role && this.view(role);
  }

  /** Roles in creation order; `policy` keeps those linking that policy ID (`?policy=`). */
  list(policy?: string): AclRole[] {
    return [...this.roles.values()]
      .filter((r) => policy === undefined || policy === '' || r.PolicyIDs.includes(policy))
      .sort((a, b) => a.CreateIndex - b.CreateIndex)
      .map((r) => this.view(r));
  }

  delete(id: string): void {
    this.roles.delete(id);
  }

  /** The API shape: current policy names, empty lists omitted. */
  private view(role: StoredRole): AclRole {
    const policies = linkView(role.PolicyIDs, (id) => this.policies.get(id));
    return {
      ID: role.ID,
      Name: role.Name,
      Description: role.Description,
      ...(policies.length > 0 && { Policies: policies }),
      ...(role.ServiceIdentities.length > 0 && { ServiceIdentities: role.ServiceIdentities }),
      ...(role.NodeIdentities.length > 0 && { NodeIdentities: role.NodeIdentities }),
      CreateIndex: role.CreateIndex,
      ModifyIndex: role.ModifyIndex,
    };
  }
}
