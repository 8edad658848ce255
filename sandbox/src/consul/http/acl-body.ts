/**
 * Decodes ACL request bodies as Consul's `lib.DecodeJSON` does into agent/structs types: field
 * names match case-insensitively, a wrong type is a 400 "<Kind> decoding failed: ...".
 */

import type { LoginInput } from '../acl/acl-store.ts';
import type { AclLinkInput, NodeIdentity, ServiceIdentity } from '../acl/acl-types.ts';
import type { AuthMethodInput, BindingRuleInput } from '../acl/auth-method-store.ts';
import type { PolicyInput } from '../acl/policy-table.ts';
import type { RoleInput } from '../acl/role-table.ts';
import type { TokenInput } from '../acl/token-table.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import { field } from './route.ts';

type Kind = 'Policy' | 'Token' | 'Role' | 'BindingRule' | 'AuthMethod';

class Decoder {
  constructor(
    private readonly body: unknown,
    private readonly kind: Kind | 'login',
  ) {
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body)))
      this.fail(`cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into the request`);
  }

  fail(reason: string): never {
    const prefix = this.kind === 'login' ? 'Failed to decode request body' : `${this.kind} decoding failed`;
    throw new ConsulHttpError(400, `${prefix}: json: ${reason}`);
  }

  string(name: string, from: unknown = this.body): string | undefined {
    const value = field(from, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string')
      this.fail(`cannot unmarshal ${typeof value} into field ${name} of type string`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = field(this.body, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean')
      this.fail(`cannot unmarshal ${typeof value} into field ${name} of type bool`);
    return value;
  }

  list(name: string, from: unknown = this.body): unknown[] | undefined {
    const value = field(from, name);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) this.fail(`cannot unmarshal ${typeof value} into field ${name} of type array`);
    return value;
  }

  strings(name: string, from: unknown = this.body): string[] | undefined {
    return this.list(name, from)?.map((v) => {
      if (typeof v !== 'string') this.fail(`cannot unmarshal ${typeof v} into field ${name} of type string`);
      return v;
    });
  }

  map(name: string): Record<string, unknown> | undefined {
    const value = field(this.body, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      this.fail(`cannot unmarshal ${typeof value} into field ${name} of type map`);
    return value as Record<string, unknown>;
  }

  links(name: string): AclLinkInput[] | undefined {
    return this.list(name)?.map((link) => ({ ID: this.string('ID', link), Name: this.string('Name', link) }));
  }

  services(): ServiceIdentity[] | undefined {
    return this.list('ServiceIdentities')?.map((item) => {
      const dcs = this.strings('Datacenters', item);
      return { ServiceName: this.string('ServiceName', item) ?? '', ...(dcs && { Datacenters: dcs }) };
    });
  }

  nodes(): NodeIdentity[] | undefined {
    return this.list('NodeIdentities')?.map((item) => ({
      NodeName: this.string('NodeName', item) ?? '',
      Datacenter: this.string('Datacenter', item) ?? '',
    }));
  }
}

/** An `api.ACLPolicy` body. */
export function decodePolicy(body: unknown): PolicyInput {
  const d = new Decoder(body, 'Policy');
  return {
    ID: d.string('ID'),
    Name: d.string('Name'),
    Description: d.string('Description'),
    Rules: d.string('Rules'),
    Datacenters: d.strings('Datacenters'),
  };
}

/** An `api.ACLToken` body. */
export function decodeAclToken(body: unknown): TokenInput {
  const d = new Decoder(body, 'Token');
  return {
    AccessorID: d.string('AccessorID'),
    SecretID: d.string('SecretID'),
    Description: d.string('Description'),
    Policies: d.links('Policies'),
    Roles: d.links('Roles'),
    ServiceIdentities: d.services(),
    NodeIdentities: d.nodes(),
    Local: d.bool('Local'),
    AuthMethod: d.string('AuthMethod'),
  };
}

/** An `api.ACLRole` body. */
export function decodeRole(body: unknown): RoleInput {
  const d = new Decoder(body, 'Role');
  return {
    ID: d.string('ID'),
    Name: d.string('Name'),
    Description: d.string('Description'),
    Policies: d.links('Policies'),
    ServiceIdentities: d.services(),
    NodeIdentities: d.nodes(),
  };
}

/** An `api.ACLBindingRule` body. */
export function decodeBindingRule(body: unknown): BindingRuleInput {
  const d = new Decoder(body, 'BindingRule');
  return {
    ID: d.string('ID'),
    Description: d.string('Description'),
    AuthMethod: d.string('AuthMethod'),
    Selector: d.string('Selector'),
    BindType: d.string('BindType'),
    BindName: d.string('BindName'),
  };
}

/** An `api.ACLAuthMethod` body. */
export function decodeAuthMethod(body: unknown): AuthMethodInput {
  const d = new Decoder(body, 'AuthMethod');
  return {
    Name: d.string('Name'),
    Type: d.string('Type'),
    DisplayName: d.string('DisplayName'),
    Description: d.string('Description'),
    TokenLocality: d.string('TokenLocality'),
    Config: d.map('Config'),
  };
}

/** An `api.ACLLoginParams` body. */
export function decodeLogin(body: unknown): LoginInput {
  const d = new Decoder(body, 'login');
  const meta = d.map('Meta');
  if (meta !== undefined && Object.values(meta).some((v) => typeof v !== 'string'))
    d.fail('cannot unmarshal into field Meta of type map[string]string');
  return {
    AuthMethod: d.string('AuthMethod'),
    BearerToken: d.string('BearerToken'),
    ...(meta !== undefined && { Meta: meta as Record<string, string> }),
  };
}
