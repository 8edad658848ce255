/**
 * Link and identity checks shared by token and role writes, with the texts of hashicorp/consul
 * agent/consul/acl_endpoint.go (`tokenSetInternal`, `RoleSet`): links given by Name are turned
 * into IDs, duplicates dropped, unknown links refused.
 */
import type { AclLink, AclLinkInput, NodeIdentity, ServiceIdentity } from './acl-types.ts';
import { AclWriteError } from './acl-types.ts';

const VALID_IDENTITY = /^[a-z0-9]([a-z0-9\-_]*[a-z0-9])?$/;

/** Something a link can point at. */
interface Named {
  readonly ID: string;
  readonly Name: string;
}

/** The IDs of the linked objects, deduplicated; `kind` is `policy` or `role`. */
export function linkIDs(
  links: readonly AclLinkInput[] | undefined,
  kind: 'policy' | 'role',
  byID: (id: string) => Named | undefined,
  byName: (name: string) => Named | undefined,
): string[] {
  const ids: string[] = [];
  for (const link of links ?? []) {
    const target = link.ID ? byID(link.ID) : byName(link.Name ?? '');
    if (target === undefined) {
      const how = link.ID ? `ID ${JSON.stringify(link.ID)}` : `name ${JSON.stringify(link.Name ?? '')}`;
      throw new AclWriteError(500, `No such ACL ${kind} with ${how}`);
    }
    if (!ids.includes(target.ID)) ids.push(target.ID);
  }
  return ids;
}

/** Links with the current names; links to deleted objects are dropped, as Consul's reads do. */
export function linkView(ids: readonly string[], byID: (id: string) => Named | undefined): AclLink[] {
  return ids.flatMap((id) => {
    const target = byID(id);
    return target === undefined ? [] : [{ ID: target.ID, Name: target.Name }];
  });
}

/** Checks and deduplicates service identities; `owner` is `token` or `role`. */
export function checkServiceIdentities(
  identities: readonly ServiceIdentity[] | undefined,
  owner: 'token' | 'role',
): ServiceIdentity[] {
  const out: ServiceIdentity[] = [];
  for (const identity of identities ?? []) {
    if (!identity.ServiceName)
      throw new AclWriteError(500, `Service identity is missing the service name field on this ${owner}`);
    if (identity.ServiceName.length > 256 || !VALID_IDENTITY.test(identity.ServiceName)) {
      throw new AclWriteError(
        500,
        `Service identity ${JSON.stringify(identity.ServiceName)} has an invalid name. Only alphanumeric characters, '-' and '_' are allowed`,
      );
    }
    if (!out.some((i) => i.ServiceName === identity.ServiceName)) out.push(identity);
  }
  return out;
}

/** Checks and deduplicates node identities; `owner` is `token` or `role`. */
export function checkNodeIdentities(
  identities: readonly NodeIdentity[] | undefined,
  owner: 'token' | 'role',
): NodeIdentity[] {
  const out: NodeIdentity[] = [];
  for (const identity of identities ?? []) {
    if (!identity.NodeName)
      throw new AclWriteError(500, `Node identity is missing the node name field on this ${owner}`);
    if (!identity.Datacenter)
      throw new AclWriteError(500, `Node identity is missing the datacenter field on this ${owner}`);
    if (identity.NodeName.length > 256 || !VALID_IDENTITY.test(identity.NodeName)) {
      throw new AclWriteError(
        500,
        "Node identity has an invalid name. Only alphanumeric characters, '-' and '_' are allowed",
      );
    }
    const same = (i: NodeIdentity) =>
      i.NodeName === identity.NodeName && i.Datacenter === identity.Datacenter;
    if (!out.some(same)) out.push(identity);
  }
  return out;
}
