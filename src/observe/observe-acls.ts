/**
 * ACL facts of one cluster: what meshpeer's own token may do, and what the mesh gateways may do.
 * A token's permissions are the union of its policies, its roles' policies and its service and
 * node identities. With managed ACLs the gateways have no token Secret: they log in through the
 * component auth method and get a token bound to the role `<fullname>-mesh-gateway-acl-role`
 * (consul-k8s control-plane/subcommand/server-acl-init/create_or_update.go), so the role is what
 * meshpeer reads. Rules are read with meshpeer's token, which needs `acl = "read"`.
 */
import { permissionsOf } from '../consul/acl-rules.ts';
import { type AclLinks, type ConsulClient, ConsulError } from '../consul/consul-client.ts';
import { installNames } from '../resources/consul-chart.ts';
import type { AclFacts, GatewayAclSource, InstallFacts } from './observed-state.ts';

/** The permissions granted by a token's or a role's links, resolving roles to their policies. */
export async function permissionsOfLinks(reader: ConsulClient, links: AclLinks): Promise<string[]> {
  const roles = await Promise.all((links.Roles ?? []).map((r) => reader.readRole(r.ID)));
  const policyIds = new Set([
    ...(links.Policies ?? []).map((p) => p.ID),
    ...roles.flatMap((r) => (r?.Policies ?? []).map((p) => p.ID)),
  ]);
  const policies = await Promise.all(
    [...policyIds].map(async (id) => ({ id, rules: (await reader.readPolicy(id))?.Rules ?? '' })),
  );
  const identities = [links, ...roles.filter((r) => r !== undefined)];
  return permissionsOf({
    policies,
    serviceIdentities: identities.flatMap((l) => (l?.ServiceIdentities ?? []).map((s) => s.ServiceName)),
    nodeIdentities: identities.flatMap((l) => (l?.NodeIdentities ?? []).map((n) => n.NodeName)),
  });
}

const isStatus = (err: unknown, status: number) => err instanceof ConsulError && err.status === status;

/** The gateways' permissions: from their static token when peerings.yaml names one, else the chart's role. */
async function gatewayFacts(
  client: ConsulClient,
  install: InstallFacts | undefined,
  gatewayToken: { secret: string; token: string | undefined } | undefined,
): Promise<{ source: GatewayAclSource; permissions?: string[] }> {
  if (gatewayToken !== undefined) {
    if (gatewayToken.token === undefined)
      return { source: { via: 'none', why: `Secret ${gatewayToken.secret} holds no token` } };
    const self = await client.tokenSelfOf(gatewayToken.token);
    const source: GatewayAclSource = { via: 'token-secret', secret: gatewayToken.secret };
    return self === undefined ? { source } : { source, permissions: await permissionsOfLinks(client, self) };
  }
  if (install === undefined) return { source: { via: 'none', why: 'the Consul install was not found' } };
  const roleName = installNames(install.fullname).meshGatewayAclRole;
  const role = await client.readRoleByName(roleName);
  if (role === undefined) {
    const why = install.values.manageSystemACLs
      ? `ACL role ${roleName} does not exist (server-acl-init creates it when meshGateway.enabled is true)`
      : 'the install does not manage ACLs (global.acls.manageSystemACLs is false), so the gateways use a token meshpeer cannot find: set acls.meshGateway.tokenSecret';
    return { source: { via: 'none', why } };
  }
  return { source: { via: 'role', role: role.Name }, permissions: await permissionsOfLinks(client, role) };
}

/** ACL facts with meshpeer's token (`client`); `tokenMissing` names a Secret that held no token. */
export async function observeAcls(
  client: ConsulClient,
  install: InstallFacts | undefined,
  options: {
    readonly tokenMissing?: string;
    readonly gatewayToken?: { secret: string; token: string | undefined };
  },
): Promise<AclFacts> {
  const base = options.tokenMissing === undefined ? {} : { tokenMissing: options.tokenMissing };
  let self: AclLinks | undefined;
  try {
    self = await client.tokenSelf();
  } catch (err) {
    // Consul answers 401 "ACL support disabled" on every ACL endpoint when ACLs are off.
    if (isStatus(err, 401)) return { ...base, disabled: true };
    if (isStatus(err, 403)) return { ...base, reconcilerPermissions: [] };
    throw err;
  }
  try {
    const reconcilerPermissions = self === undefined ? [] : await permissionsOfLinks(client, self);
    const gateway = await gatewayFacts(client, install, options.gatewayToken);
    return {
      ...base,
      reconcilerPermissions,
      meshGateway: gateway.source,
      ...(gateway.permissions !== undefined && { meshGatewayPermissions: gateway.permissions }),
    };
  } catch (err) {
    // Without acl:read nothing about roles or policies can be concluded.
    if (!isStatus(err, 403)) throw err;
    const why = `meshpeer's token may not read ACL policies and roles (needs acl = "read")`;
    return { ...base, reconcilerPermissions: [], meshGateway: { via: 'none', why } };
  }
}
