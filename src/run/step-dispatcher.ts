/** The port through which a run has its steps executed: in-process, or by BullMQ workers. */
import type { Step } from '../plan/index.ts';
import type { StepResult } from './step-result.ts';

/** Which run a dispatched step belongs to; jobs carry this, never secret values. */
export interface DispatchContext {
  readonly runId: string;
  /** The pass of the run (or `verify`): a step runs at most once per pass. */
  readonly pass: string;
  readonly planHash: string;
  /** Told what the step waits on whenever it re-checks later (for live progress). */
  readonly onWaiting?: (detail: string) => void;
}

/** Executes one step to its end (done, unchanged or failed), including waits and retries. */
export interface StepDispatcher {
  dispatch(step: Step, context: DispatchContext): Promise<StepResult>;
}
