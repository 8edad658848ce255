/** The history of one reconcile run: what triggered it, what it planned, what each step did. */
import type { StepResult } from './step-result.ts';

/** What started a run. */
export type RunTrigger =
  | { readonly kind: 'cli'; readonly user?: string }
  | { readonly kind: 'poll' }
  | { readonly kind: 'webhook'; readonly provider: 'github' | 'gitlab'; readonly deliveryId: string }
  | { readonly kind: 'pull-request'; readonly provider: 'github' | 'gitlab'; readonly number: number }
  /** `meshpeer sync` or `POST /api/sync`: a run asked for now, at the tracked branch's head. */
  | { readonly kind: 'sync'; readonly via: 'api' | 'cli' }
  /** The periodic check found the clusters apart from the desired state (self-heal). */
  | { readonly kind: 'drift'; readonly reasons: readonly string[] }
  /** A failed run tried again after a backoff. */
  | { readonly kind: 'retry'; readonly of: string; readonly attempt: number };

/** A step dispatched and not finished yet, with what it waits on when it said so. */
export interface ActiveStep {
  readonly id: string;
  readonly kind: string;
  readonly lane: string;
  readonly since: string;
  readonly waiting?: string;
}

/** How a run ended (or that it is still going). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'superseded';

/** One run's record, kept in a bounded history. Holds no secret values. */
export interface RunRecord {
  readonly id: string;
  readonly target: string;
  readonly revision: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** The hash of the first plan of the run. */
  readonly planHash?: string;
  readonly passes: number;
  /** How often a crashed orchestrator's run was taken up again by another worker. */
  readonly resumes?: number;
  readonly steps: readonly StepResult[];
  /** While running: the steps dispatched and not finished. */
  readonly active?: readonly ActiveStep[];
  /** False when trying again cannot help (an invalid desired state): no automatic retry. */
  readonly retryable?: false;
  /** Why the run failed, naming the failing step. */
  readonly failure?: string;
  /** Failed preconditions of the last plan (unreachable clusters, Helm values...), with their fixes. */
  readonly errors?: ReadonlyArray<{
    readonly id: string;
    readonly cluster?: string;
    readonly message: string;
    readonly fix: string;
  }>;
}

/** Where run records live. */
export interface RunStore {
  save(record: RunRecord): Promise<void>;
  get(id: string): Promise<RunRecord | undefined>;
  /** Newest first; only the runs of `target` when given. */
  list(limit?: number, target?: string): Promise<RunRecord[]>;
}

/** Keeps the last `max` runs in memory (for inline runs and tests). */
export class MemoryRunStore implements RunStore {
  private readonly records = new Map<string, RunRecord>();
  constructor(private readonly max = 100) {}

  async save(record: RunRecord): Promise<void> {
    this.records.delete(record.id);
    this.records.set(record.id, record);
    while (this.records.size > this.max) this.records.delete(this.records.keys().next().value as string);
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return this.records.get(id);
  }

  async list(limit = 20, target?: string): Promise<RunRecord[]> {
    return [...this.records.values()]
      .reverse()
      .filter((r) => target === undefined || r.target === target)
      .slice(0, limit);
  }
}
