/**
 * The state of one run while it goes: its record, the lanes that failed, and the steps in flight
 * with what they wait on. Saves are chained so records land in order, and progress alone (a step
 * started or waiting) is saved at most once a second.
 */
import type { Plan, Step } from '../plan/index.ts';
import type { ActiveStep, RunRecord, RunStore, RunTrigger } from './run-record.ts';
import type { DispatchContext, StepDispatcher } from './step-dispatcher.ts';
import type { StepResult } from './step-result.ts';

/** Progress events for live output. */
export type RunEvent =
  | { readonly type: 'plan'; readonly pass: number; readonly plan: Plan }
  | { readonly type: 'step'; readonly result: StepResult }
  | { readonly type: 'finished'; readonly record: RunRecord };

/** What a run's state needs: where records go, how steps run, who listens. */
export interface RunStateDeps {
  readonly store: RunStore;
  readonly dispatcher: StepDispatcher;
  readonly onEvent?: (event: RunEvent) => void;
}

/** Which run this is. */
export interface RunIdentity {
  readonly runId: string;
  readonly target: string;
  readonly revision: string;
  readonly trigger: RunTrigger;
}

const ok = (r: StepResult) => r.status === 'done' || r.status === 'unchanged';

/** How often at most a running record is saved only because of progress (active steps, waits). */
const PROGRESS_SAVE_MS = 1000;

/** A run in progress. */
export class RunState {
  readonly failedLanes = new Set<string>();
  private saving: Promise<void> = Promise.resolve();
  private readonly active = new Map<string, ActiveStep>();
  private progressTimer: NodeJS.Timeout | undefined;

  private constructor(
    public record: RunRecord,
    private readonly deps: RunStateDeps,
  ) {
    for (const r of record.steps) if (!ok(r) && r.lane !== 'verify') this.failedLanes.add(r.lane);
  }

  /**
   * A new record, or the record of the same run that a crashed orchestrator left `running`: the run
   * resumes in the pass it was in, so re-dispatched steps find their jobs instead of doubling them.
   */
  static async open(input: RunIdentity, deps: RunStateDeps): Promise<RunState> {
    const previous = await deps.store.get(input.runId);
    if (previous?.status === 'running')
      return new RunState({ ...previous, resumes: (previous.resumes ?? 0) + 1 }, deps);
    const record: RunRecord = {
      id: input.runId,
      target: input.target,
      revision: input.revision,
      trigger: input.trigger,
      status: 'running',
      startedAt: new Date().toISOString(),
      passes: 0,
      steps: [],
    };
    return new RunState(record, deps);
  }

  /**
   * Records a step result. Saves are chained, so records land in order and a failed save (Redis
   * away for a moment) is not an unhandled rejection: finish() saves the whole record again.
   */
  add(result: StepResult): void {
    if (!ok(result) && result.lane !== 'verify') this.failedLanes.add(result.lane);
    this.active.delete(result.id);
    this.record = {
      ...this.record,
      steps: [...this.record.steps, result],
      active: [...this.active.values()],
    };
    this.deps.onEvent?.({ type: 'step', result });
    this.save();
  }

  /** Marks a step dispatched; `waiting` updates what it waits on. Saved at most once a second. */
  started(step: Step): { waiting(detail: string): void } {
    this.active.set(step.id, {
      id: step.id,
      kind: step.kind,
      lane: step.lane,
      since: new Date().toISOString(),
    });
    this.progressed();
    return {
      waiting: (detail) => {
        const current = this.active.get(step.id);
        if (current === undefined || current.waiting === detail) return;
        this.active.set(step.id, { ...current, waiting: detail });
        this.progressed();
      },
    };
  }

  private progressed(): void {
    if (this.progressTimer !== undefined) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      if (this.record.status !== 'running') return;
      this.record = { ...this.record, active: [...this.active.values()] };
      this.save();
    }, PROGRESS_SAVE_MS);
    this.progressTimer.unref();
  }

  private save(): void {
    const snapshot = this.record;
    this.saving = this.saving.then(() => this.deps.store.save(snapshot)).catch(() => undefined);
  }

  /** Dispatches a step through the run's dispatcher, keeping its active entry current. */
  dispatch(step: Step, context: Omit<DispatchContext, 'onWaiting'>): Promise<StepResult> {
    const progress = this.started(step);
    return this.deps.dispatcher.dispatch(step, { ...context, onWaiting: progress.waiting });
  }

  async finish(status: RunRecord['status'], failure?: string): Promise<RunRecord> {
    clearTimeout(this.progressTimer);
    const { active: _done, ...rest } = this.record;
    this.record = {
      ...rest,
      status,
      finishedAt: new Date().toISOString(),
      ...(failure !== undefined && { failure }),
    };
    await this.saving;
    await this.deps.store.save(this.record);
    this.deps.onEvent?.({ type: 'finished', record: this.record });
    return this.record;
  }
}
