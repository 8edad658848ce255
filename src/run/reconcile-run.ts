/**
 * One reconcile run, level-triggered: observe and plan, execute the plan's DAG, then observe and
 * plan again until only verification remains (a pass that changes nothing ends the loop), and
 * finally verify every peering. A lane whose step failed is left alone for the rest of the run;
 * the other clusters go on. Between passes a newer revision for the same target supersedes it.
 */

import type { ClusterClient } from '../kube/cluster-client.ts';
import type { Plan, Step } from '../plan/index.ts';
import type { Topology } from '../topology/index.ts';
import { executeDag } from './execute-dag.ts';
import { planTopology } from './plan-topology.ts';
import type { RunRecord, RunStore, RunTrigger } from './run-record.ts';
import { type RunEvent, RunState } from './run-state.ts';
import type { StepDispatcher } from './step-dispatcher.ts';
import { type StepResult, skipped } from './step-result.ts';

export type { RunEvent } from './run-state.ts';

/** What to reconcile. */
export interface RunInput {
  readonly runId: string;
  readonly target: string;
  readonly revision: string;
  readonly trigger: RunTrigger;
  readonly topology: Topology;
  /** An exported service missing from its partition's catalog fails the run (`--strict`). */
  readonly strict?: boolean;
}

/** What a run needs. */
export interface RunDeps {
  readonly clients: (cluster: string) => ClusterClient;
  readonly dispatcher: StepDispatcher;
  readonly store: RunStore;
  readonly observeTimeoutMs?: number;
  readonly maxPasses?: number;
  readonly superseded?: () => Promise<boolean>;
  readonly onEvent?: (event: RunEvent) => void;
}

const ok = (r: StepResult) => r.status === 'done' || r.status === 'unchanged';

async function plan(input: RunInput, deps: RunDeps, state: RunState, pass: number): Promise<Plan> {
  const { plan } = await planTopology(input.topology, deps.clients, {
    ...(deps.observeTimeoutMs !== undefined && { timeoutMs: deps.observeTimeoutMs }),
    strict: input.strict === true,
  });
  if (state.record.planHash === undefined) state.record = { ...state.record, planHash: plan.hash };
  state.record = { ...state.record, passes: pass };
  deps.onEvent?.({ type: 'plan', pass, plan });
  return plan;
}

function runnable(plan: Plan, state: RunState, verify: boolean): Step[] {
  return plan.steps.filter(
    (s) => (s.kind === 'verify') === verify && s.blockedBy === undefined && !state.failedLanes.has(s.lane),
  );
}

/** Runs until converged and verified, failed, or superseded; returns the final record. */
export async function reconcileRun(input: RunInput, deps: RunDeps): Promise<RunRecord> {
  const state = await RunState.open(input, deps);
  await deps.store.save(state.record);
  const maxPasses = deps.maxPasses ?? 5;
  const firstPass = Math.max(1, state.record.passes);
  let current = await plan(input, deps, state, firstPass);
  for (let pass = firstPass; pass <= maxPasses; pass++) {
    const work = runnable(current, state, false);
    if (work.length === 0) break;
    if (await deps.superseded?.())
      return state.finish('superseded', 'a newer revision of the target arrived');
    const results = await executeDag(
      work,
      (step) => state.dispatch(step, { runId: input.runId, pass: String(pass), planHash: current.hash }),
      (r) => state.add(r),
    );
    current = await plan(input, deps, state, pass + 1);
    if (!results.some((r) => r.status === 'done')) break;
  }
  for (const step of current.steps.filter((s) => s.blockedBy !== undefined))
    state.add({
      ...skipped(
        step,
        `blocked by ${step.blockedBy}: ${current.errors.find((e) => e.id === step.blockedBy)?.fix ?? ''}`,
      ),
      status: 'failed',
    });
  const leftover = runnable(current, state, false);
  await executeDag(
    runnable(current, state, true),
    (step) => state.dispatch(step, { runId: input.runId, pass: 'verify', planHash: current.hash }),
    (r) => state.add(r),
  );
  const errors = current.errors.map((e) => ({
    id: e.id,
    ...(e.cluster !== undefined && { cluster: e.cluster }),
    message: e.message,
    fix: e.fix,
  }));
  if (errors.length > 0) state.record = { ...state.record, errors };
  const failed = state.record.steps.find((r) => !ok(r));
  if (failed !== undefined) return state.finish('failed', `${failed.id}: ${failed.detail}`);
  if (errors.length > 0)
    return state.finish('failed', errors.map((e) => `${e.message}; fix: ${e.fix}`).join('; '));
  if (leftover.length > 0)
    return state.finish('failed', `did not converge: ${leftover.map((s) => s.id).join(', ')} still planned`);
  return state.finish('succeeded');
}
