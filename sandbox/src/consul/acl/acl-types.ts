/**
 * The ACL objects of a simulated server, as hashicorp/consul agent/structs/acl.go stores them and
 * api/acl.go names their JSON fields. Links are stored by ID only (Consul does not keep a linked
 * policy's or role's name, it fills the current name in on every read).
 */

/** A link to a policy or role, as `api.ACLLink`. */
export interface AclLink {
  readonly ID: string;
  readonly Name: string;
}

/** A link as a request body may carry it: by ID or by Name. */
export interface AclLinkInput {
  readonly ID?: string | undefined;
  readonly Name?: string | undefined;
}

/** `api.ACLServiceIdentity`. */
export interface ServiceIdentity {
  readonly ServiceName: string;
  readonly Datacenters?: readonly string[];
}

/** `api.ACLNodeIdentity`. */
export interface NodeIdentity {
  readonly NodeName: string;
  readonly Datacenter: string;
}

/** A stored ACL policy, as `api.ACLPolicy` (Datacenters is null when unset, as Go marshals a nil slice). */
export interface AclPolicy {
  readonly ID: string;
  readonly Name: string;
  readonly Description: string;
  readonly Rules: string;
  readonly Datacenters: readonly string[] | null;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A stored token: policy and role links by ID. */
export interface StoredToken {
  readonly AccessorID: string;
  readonly SecretID: string;
  readonly Description: string;
  readonly PolicyIDs: readonly string[];
  readonly RoleIDs: readonly string[];
  readonly ServiceIdentities: readonly ServiceIdentity[];
  readonly NodeIdentities: readonly NodeIdentity[];
  readonly Local: boolean;
  /** The auth method that created the token by login; '' for tokens made through the token API. */
  readonly AuthMethod: string;
  readonly CreateTime: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A token as the API returns it (`api.ACLToken`, empty lists and AuthMethod omitted like Go's omitempty). */
export interface AclToken {
  readonly AccessorID: string;
  readonly SecretID: string;
  readonly Description: string;
  readonly Policies?: readonly AclLink[];
  readonly Roles?: readonly AclLink[];
  readonly ServiceIdentities?: readonly ServiceIdentity[];
  readonly NodeIdentities?: readonly NodeIdentity[];
  readonly Local: boolean;
  readonly AuthMethod?: string;
  readonly CreateTime: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A stored role: policy links by ID. */
export interface StoredRole {
  readonly ID: string;
  readonly Name: string;
  readonly Description: string;
  readonly PolicyIDs: readonly string[];
  readonly ServiceIdentities: readonly ServiceIdentity[];
  readonly NodeIdentities: readonly NodeIdentity[];
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A role as the API returns it (`api.ACLRole`). */
export interface AclRole {
  readonly ID: string;
  readonly Name: string;
  readonly Description: string;
  readonly Policies?: readonly AclLink[];
  readonly ServiceIdentities?: readonly ServiceIdentity[];
  readonly NodeIdentities?: readonly NodeIdentity[];
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** What a binding rule binds a login to. */
export type BindType = 'service' | 'node' | 'role';

/** `api.ACLBindingRule`. */
export interface AclBindingRule {
  readonly ID: string;
  readonly Description: string;
  readonly AuthMethod: string;
  readonly Selector: string;
  readonly BindType: BindType;
  readonly BindName: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** `api.ACLAuthMethod`; Config holds what server-acl-init sends (Host, CACert, ServiceAccountJWT). */
export interface AclAuthMethod {
  readonly Name: string;
  readonly Type: string;
  readonly DisplayName?: string;
  readonly Description?: string;
  readonly TokenLocality?: string;
  readonly Config: Readonly<Record<string, unknown>>;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
}

/** A failed ACL write, with the HTTP status Consul answers (500 for the RPC layer's plain errors). */
export class AclWriteError extends Error {
  override readonly name = 'AclWriteError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
