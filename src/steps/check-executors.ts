/** Executors that check and repair: the Helm values guard, the gateway's ACL policy, and prunes. */
import { CONSUL_API_VERSION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../kube/consul-resources.ts';
import { helmFacts, latestDeployed } from '../kube/helm-release.ts';
import { readSecretValue } from '../observe/index.ts';
import { helmErrors, type StepOf } from '../plan/index.ts';
import { meshGatewayTokenRef } from '../topology/index.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged } from './step-outcome.ts';

/** Re-reads the Helm release right before changes: values can change between plan and apply. */
export async function runHelmCheck(
  step: StepOf<'helm-values-check'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const secrets = await ctx
    .cluster(step.lane)
    .list('v1', 'Secret', step.params.namespace, `owner=helm,name=${step.params.release}`);
  const release = latestDeployed(secrets);
  const problems = helmErrors(
    ctx.spec(step.lane),
    release && helmFacts(release),
    step.params.needsPartitions,
  );
  if (problems.length > 0) return terminal(problems.map((p) => `${p.message}; fix: ${p.fix}`).join('; '));
  return unchanged(
    `Helm release ${step.params.release} has peering, TLS, mesh gateway and connect-inject enabled`,
  );
}

const ruleFor: Record<string, string> = {
  'peering:read': 'peering = "read"',
  'peering:write': 'peering = "write"',
  'mesh:read': 'mesh = "read"',
  'mesh:write': 'mesh = "write"',
  'service:read': 'service_prefix "" { policy = "read" }',
  'service:write': 'service "mesh-gateway" { policy = "write" }',
};

/** Adds the missing runbook rules to the mesh gateway token's first policy. */
export async function runAcl(step: StepOf<'acl'>, ctx: StepContext): Promise<StepOutcome> {
  const token = await readSecretValue(
    ctx.cluster(step.lane),
    meshGatewayTokenRef(ctx.spec(step.lane), ctx.acls),
  );
  if (token === undefined)
    return terminal(
      `the mesh gateway token Secret of ${step.lane} was not found: set acls.meshGateway.tokenSecret`,
    );
  const consul = await ctx.consul(step.lane);
  const self = await consul.tokenSelfOf(token);
  const policy = self?.Policies?.[0];
  if (policy === undefined)
    return terminal(
      `the mesh gateway token of ${step.lane} has no policy to repair: attach one with ${step.params.missing.join(', ')}`,
    );
  const current = await consul.readPolicy(policy.ID);
  const rules = current?.Rules ?? '';
  const additions = step.params.missing
    .map((p) => ruleFor[p])
    .filter((r): r is string => r !== undefined && !rules.includes(r));
  if (additions.length === 0)
    return unchanged(`policy ${policy.Name} already grants ${step.params.missing.join(', ')}`);
  await consul.updatePolicy({
    ID: policy.ID,
    Name: policy.Name,
    Rules: `${rules.trimEnd()}\n${additions.join('\n')}\n`,
  });
  return done(`added ${step.params.missing.join(', ')} to policy ${policy.Name}`);
}

const pruneKinds = {
  'prune-dialer': { apiVersion: CONSUL_API_VERSION, kind: 'PeeringDialer' },
  'prune-acceptor': { apiVersion: CONSUL_API_VERSION, kind: 'PeeringAcceptor' },
  'prune-token-secret': { apiVersion: 'v1', kind: 'Secret' },
  'prune-export': { apiVersion: CONSUL_API_VERSION, kind: 'ExportedServices' },
} as const;

/** Deletes an object meshpeer manages; re-checks the label so nothing else is ever deleted. */
export async function runPrune(
  step: StepOf<'prune-dialer' | 'prune-acceptor' | 'prune-token-secret' | 'prune-export'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const key = { ...pruneKinds[step.kind], namespace: step.params.namespace, name: step.params.name };
  const client = ctx.cluster(step.lane);
  const live = await client.get(key);
  if (live === undefined) return unchanged(`${key.kind} ${key.name} is already gone`);
  if (live.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
    return terminal(`${key.kind} ${key.name} is not managed by meshpeer any more: not deleting it`);
  await client.delete(key);
  return done(`deleted ${key.kind} ${key.namespace}/${key.name}`);
}
