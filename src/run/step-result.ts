/** The record of one executed step, as kept in run history and shown by `status` and `apply`. */
import type { Step } from '../plan/index.ts';

/** How a step ended. `skipped` means a dependency failed or the run was superseded. */
export type StepStatus = 'done' | 'unchanged' | 'failed' | 'skipped';

/** One step's result: outcome, attempts, timing, and secret-free detail. */
export interface StepResult {
  readonly id: string;
  readonly kind: Step['kind'];
  readonly lane: string;
  readonly action: Step['action'];
  readonly status: StepStatus;
  readonly detail: string;
  readonly attempts: number;
  readonly durationMs: number;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A result for a step that never ran. */
export function skipped(step: Step, why: string): StepResult {
  return {
    id: step.id,
    kind: step.kind,
    lane: step.lane,
    action: step.action,
    status: 'skipped',
    detail: why,
    attempts: 0,
    durationMs: 0,
  };
}
