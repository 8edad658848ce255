/**
 * One periodic check of a target, as Argo CD and Flux compare live state on an interval: observe
 * the clusters and plan against the desired state (anything left to do is drift: an object
 * changed or deleted by hand, an export missing), and look at every peering without changing
 * anything (a peering deleted or FAILING in Consul behind meshpeer's back, a stale stream).
 */

import type { ClusterClient } from '../kube/cluster-client.ts';
import type { Plan, StepOf } from '../plan/index.ts';
import { planTopology } from '../run/plan-topology.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { checkPeering } from '../steps/peering-check.ts';
import type { StepContext } from '../steps/step-context.ts';
import { placeLabel, type Topology } from '../topology/index.ts';
import { type PeeringHealth, peeringEnds } from './peering-health.ts';

/** What a check found. */
export interface DriftReport {
  readonly result: 'in-sync' | 'drift';
  /** One line per drifted object or unhealthy peering. */
  readonly reasons: readonly string[];
  /**
   * Whether a run would change something: the plan has steps that are not blocked. A peering
   * deleted or FAILING in Consul plans a rotation; a quiet stream or a failed precondition does
   * not, so a run would only fail again.
   */
  readonly repairable: boolean;
  readonly health: readonly PeeringHealth[];
  readonly plan: Plan;
}

/** What a check reads through. */
export interface DriftCheckDeps {
  readonly clients: (install: string) => ClusterClient;
  readonly consul: StepContext['consul'];
  readonly observeTimeoutMs?: number;
  /** An exported service missing from its partition's catalog is drift (`serve --strict`). */
  readonly strict?: boolean;
  readonly now?: () => number;
}

/** Why the plan is not converged, one line each: the changes it would make and its blocking errors. */
export function driftReasons(plan: Plan): string[] {
  const changes = plan.steps
    .filter((s) => s.kind !== 'verify' && s.kind !== 'helm-values-check')
    .map((s) => `${s.lane}: ${s.reason}`);
  const errors = plan.errors.map((e) => `${e.cluster === undefined ? '' : `${e.cluster}: `}${e.message}`);
  return [...changes, ...errors];
}

async function peeringHealth(
  step: StepOf<'verify'>,
  deps: DriftCheckDeps,
  at: string,
): Promise<PeeringHealth> {
  const id = step.peering ?? '';
  const base = { id, ...peeringEnds(id), observedAt: at, source: 'check' as const };
  try {
    const { condition } = await checkPeering(step.params, deps.consul, deps.now?.() ?? Date.now());
    return condition.state === 'healthy'
      ? { ...base, state: 'healthy', detail: 'both sides ACTIVE and receiving, imports match' }
      : { ...base, state: condition.state, detail: condition.detail, fix: condition.fix };
  } catch (err) {
    const place = `${placeLabel(step.params.acceptor.cluster, step.params.acceptor.partition)} or ${placeLabel(step.params.dialer.cluster, step.params.dialer.partition)}`;
    return {
      ...base,
      state: 'unknown',
      detail: `could not observe: ${safeErrorMessage(err)}`,
      fix: `check that meshpeer reaches the Kubernetes API and Consul of ${place}`,
    };
  }
}

/** Checks a target's topology once; writes nothing. */
export async function checkDrift(topology: Topology, deps: DriftCheckDeps): Promise<DriftReport> {
  const at = new Date(deps.now?.() ?? Date.now()).toISOString();
  const { plan } = await planTopology(topology, deps.clients, {
    ...(deps.observeTimeoutMs !== undefined && { timeoutMs: deps.observeTimeoutMs }),
    strict: deps.strict === true,
  });
  const verifies = plan.steps.filter((s): s is StepOf<'verify'> => s.kind === 'verify');
  const health = await Promise.all(verifies.map((s) => peeringHealth(s, deps, at)));
  const unhealthy = health
    .filter((h) => h.state !== 'healthy')
    .map((h) => `peering ${h.acceptor} <-> ${h.dialer} is ${h.state}: ${h.detail}`);
  const reasons = [...driftReasons(plan), ...unhealthy];
  const repairable = plan.steps.some(
    (s) => s.kind !== 'verify' && s.kind !== 'helm-values-check' && s.blockedBy === undefined,
  );
  return { result: reasons.length === 0 ? 'in-sync' : 'drift', reasons, repairable, health, plan };
}
