/** Executors that check and prune: the install guard before changes, and deletes of meshpeer's objects. */

import { readInstall } from '../kube/read-install.ts';
import { installErrors, type StepOf } from '../plan/index.ts';
import { CONSUL_API_VERSION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../resources/consul-resources.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged } from './step-outcome.ts';

/** Re-reads the install right before changes: values can change between plan and apply. */
export async function runHelmCheck(
  step: StepOf<'helm-values-check'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const install = await readInstall(ctx.spec(step.lane), ctx.cluster(step.lane));
  const problems = installErrors(ctx.spec(step.lane), install, step.params.needs);
  if (problems.length > 0) return terminal(problems.map((p) => `${p.message}; fix: ${p.fix}`).join('; '));
  const from =
    install?.source === 'helm-release' ? `Helm release ${step.params.release}` : `${install?.source} values`;
  return unchanged(`${from}: peering, TLS, mesh gateway and connect-inject enabled`);
}

const pruneKinds = {
  'prune-dialer': { apiVersion: CONSUL_API_VERSION, kind: 'PeeringDialer' },
  'prune-acceptor': { apiVersion: CONSUL_API_VERSION, kind: 'PeeringAcceptor' },
  'prune-token-secret': { apiVersion: 'v1', kind: 'Secret' },
  'prune-sameness-group': { apiVersion: CONSUL_API_VERSION, kind: 'SamenessGroup' },
} as const;

/** Deletes an object meshpeer manages; re-checks the label so nothing else is ever deleted. */
export async function runPrune(
  step: StepOf<'prune-dialer' | 'prune-acceptor' | 'prune-token-secret' | 'prune-sameness-group'>,
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
