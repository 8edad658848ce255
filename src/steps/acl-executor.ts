/**
 * Repairs the mesh gateways' permissions in a way `helm upgrade` keeps: server-acl-init rewrites
 * the policies it owns (`mesh-gateway-policy`) on every run but updates the gateways' role with
 * what it read, so extra policy links on the role survive (consul-k8s
 * control-plane/subcommand/server-acl-init/create_or_update.go). meshpeer therefore keeps its own
 * policy, `meshpeer-mesh-gateway`, and links it to the role (or to a static gateway token).
 */

import { readSecretValue } from '../consul/consul-access.ts';
import { type ConsulClient, ConsulError } from '../consul/consul-client.ts';
import type { StepOf } from '../plan/index.ts';
import { meshGatewayTokenRef } from '../topology/index.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged } from './step-outcome.ts';

/** The policy meshpeer owns; server-acl-init never touches it. */
export const GATEWAY_POLICY_NAME = 'meshpeer-mesh-gateway';

const ruleFor: Record<string, string> = {
  'peering:read': 'peering = "read"',
  'peering:write': 'peering = "write"',
  'mesh:read': 'mesh = "read"',
  'mesh:write': 'mesh = "write"',
  'service:read': 'service_prefix "" {\n  policy = "read"\n}',
  'service:write': 'service "mesh-gateway" {\n  policy = "write"\n}',
};

/**
 * Rules granting `missing`. The default partition's gateway reads peerings in every partition;
 * a policy of another partition cannot hold partition rules at all (server-acl-init's
 * meshGatewayRules, control-plane/subcommand/server-acl-init/rules.go).
 */
function rulesFor(missing: readonly string[], partitions: boolean): string[] {
  const rules = missing.map((p) => ruleFor[p]).filter((r): r is string => r !== undefined);
  if (partitions && missing.includes('peering:read'))
    rules.push('partition_prefix "" {\n  peering = "read"\n}');
  return rules;
}

/** Creates meshpeer's policy, or adds the missing rules to it; returns its link. */
async function ensurePolicy(
  consul: ConsulClient,
  rules: readonly string[],
): Promise<{ ID: string; Name: string; wrote: boolean }> {
  const current = await consul.readPolicyByName(GATEWAY_POLICY_NAME);
  if (current === undefined) {
    const created = await consul.createPolicy({
      Name: GATEWAY_POLICY_NAME,
      Description: 'meshpeer: permissions the cluster peering runbook requires of mesh gateways',
      Rules: `${rules.join('\n')}\n`,
    });
    return { ID: created.ID, Name: created.Name, wrote: true };
  }
  const additions = rules.filter((r) => !current.Rules.includes(r));
  if (additions.length === 0) return { ID: current.ID, Name: current.Name, wrote: false };
  await consul.updatePolicy({ ...current, Rules: `${current.Rules.trimEnd()}\n${additions.join('\n')}\n` });
  return { ID: current.ID, Name: current.Name, wrote: true };
}

/** Links the policy to the gateways' role; false when it already was. */
async function linkToRole(
  consul: ConsulClient,
  roleName: string,
  link: { ID: string; Name: string },
): Promise<boolean | string> {
  const role = await consul.readRoleByName(roleName);
  if (role === undefined) return `ACL role ${roleName} no longer exists`;
  if ((role.Policies ?? []).some((p) => p.ID === link.ID)) return false;
  await consul.updateRole({
    ...role,
    Policies: [...(role.Policies ?? []), { ID: link.ID, Name: link.Name }],
  });
  return true;
}

/** Links the policy to a static gateway token read from its Secret; false when it already was. */
async function linkToToken(
  consul: ConsulClient,
  ctx: StepContext,
  lane: string,
  link: { ID: string; Name: string },
): Promise<boolean | string> {
  const ref = meshGatewayTokenRef(ctx.spec(lane), ctx.acls);
  const secret = ref && (await readSecretValue(ctx.cluster(lane), ref));
  if (ref === undefined || secret === undefined) return 'the mesh gateway token Secret was not found';
  const self = await consul.tokenSelfOf(secret);
  const token = self && (await consul.readToken(self.AccessorID));
  if (token === undefined) return 'the mesh gateway token was not found in Consul';
  if ((token.Policies ?? []).some((p) => p.ID === link.ID)) return false;
  await consul.updateToken({
    ...token,
    Policies: [...(token.Policies ?? []), { ID: link.ID, Name: link.Name }],
  });
  return true;
}

function manualFix(step: StepOf<'acl'>, rules: readonly string[]): string {
  const target =
    step.params.source.via === 'role' ? `-role ... (role ${step.params.source.role})` : 'the gateway token';
  return `create policy ${GATEWAY_POLICY_NAME} with rules ${JSON.stringify(rules.join('\n'))} and link it to ${target} (consul acl policy create -name ${GATEWAY_POLICY_NAME} -rules @rules.hcl; consul acl role update -name <role> -policy-name ${GATEWAY_POLICY_NAME})`;
}

/** Grants the gateways the runbook permissions they lack, through meshpeer's own policy. */
export async function runAcl(step: StepOf<'acl'>, ctx: StepContext): Promise<StepOutcome> {
  const consul = await ctx.consul(step.lane);
  const install = await ctx.install(step.lane);
  const partitions = install?.values.adminPartitionsEnabled === true && install.partitionName === 'default';
  const rules = rulesFor(step.params.missing, partitions);
  try {
    const policy = await ensurePolicy(consul, rules);
    const source = step.params.source;
    const linked =
      source.via === 'role'
        ? await linkToRole(consul, source.role, policy)
        : await linkToToken(consul, ctx, step.lane, policy);
    if (typeof linked === 'string') return terminal(`${linked}: ${manualFix(step, rules)}`);
    const what = `${step.params.missing.join(', ')} through policy ${GATEWAY_POLICY_NAME}`;
    return policy.wrote || linked
      ? done(`granted the mesh gateways ${what}`)
      : unchanged(`the mesh gateways already hold ${what}`);
  } catch (err) {
    if (err instanceof ConsulError && err.status === 403)
      return terminal(
        `meshpeer's token may not write ACLs (it needs acl = "write"); do it by hand: ${manualFix(step, rules)}`,
      );
    throw err;
  }
}
