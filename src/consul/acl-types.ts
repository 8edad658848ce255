/**
 * Consul's ACL objects as its HTTP API sends and takes them (api/acl.go): the fields are kept
 * whole so an update can send back everything it read. Token SecretIDs are secrets.
 */

/** A link to a policy or role by ID (Name is filled in on reads). */
export interface AclLink {
  readonly ID: string;
  readonly Name?: string;
}

/** Grants the rules Consul synthesizes for a service (`service "<name>"` write, and more). */
export interface AclServiceIdentity {
  readonly ServiceName: string;
  readonly Datacenters?: readonly string[];
}

/** Grants the rules Consul synthesizes for a node in one datacenter. */
export interface AclNodeIdentity {
  readonly NodeName: string;
  readonly Datacenter: string;
}

/** What a token or role is granted: policy and role links and identities. */
export interface AclLinks {
  readonly Policies?: readonly AclLink[];
  readonly Roles?: readonly AclLink[];
  readonly ServiceIdentities?: readonly AclServiceIdentity[];
  readonly NodeIdentities?: readonly AclNodeIdentity[];
}

/** Enterprise placement and Raft bookkeeping every ACL object carries. */
interface AclMeta {
  readonly Namespace?: string;
  readonly Partition?: string;
  readonly Hash?: string;
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
}

/** An ACL token. */
export interface AclToken extends AclLinks, AclMeta {
  readonly AccessorID: string;
  readonly SecretID?: string;
  readonly Description?: string;
  readonly Local?: boolean;
  /** The auth method that issued it, e.g. the chart's component auth method. */
  readonly AuthMethod?: string;
  readonly AuthMethodNamespace?: string;
  readonly ExpirationTime?: string;
  readonly CreateTime?: string;
  /** Legacy tokens only. */
  readonly Rules?: string;
}

/** An ACL role. */
export interface AclRole extends Omit<AclLinks, 'Roles'>, AclMeta {
  readonly ID: string;
  readonly Name: string;
  readonly Description?: string;
}

/** An ACL policy. */
export interface AclPolicy extends AclMeta {
  readonly ID: string;
  readonly Name: string;
  readonly Description?: string;
  readonly Rules: string;
  /** Datacenters the policy applies in; empty or absent means all. */
  readonly Datacenters?: readonly string[];
}

/** A policy to create: Consul assigns the ID. */
export type NewAclPolicy = Omit<AclPolicy, 'ID' | 'Hash' | 'CreateIndex' | 'ModifyIndex'>;
