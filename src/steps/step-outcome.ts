/**
 * What an executor reports. A closed vocabulary: src/run/job-outcome.ts maps it onto BullMQ in
 * one place (result, delay, retry with backoff, or fail without retry).
 */

/** Structured, secret-free facts an executor wants in the run record (latencies, layers). */
export type OutcomeData = Readonly<Record<string, unknown>>;

/** The outcome of one executor run. */
export type StepOutcome =
  | { readonly type: 'done'; readonly detail: string; readonly data?: OutcomeData }
  | { readonly type: 'unchanged'; readonly detail: string; readonly data?: OutcomeData }
  /** Not there yet (a controller has not caught up): check again after `recheckMs`. */
  | {
      readonly type: 'waiting';
      readonly detail: string;
      readonly recheckMs: number;
      readonly wrote?: boolean;
    }
  /** Will not succeed by retrying: bad config, a used token, a failed precondition. */
  | { readonly type: 'terminal'; readonly reason: string; readonly data?: OutcomeData };

/** A finished outcome (done or unchanged). */
export const done = (detail: string, data?: OutcomeData): StepOutcome => ({
  type: 'done',
  detail,
  ...(data && { data }),
});
/** Nothing needed doing: zero writes. */
export const unchanged = (detail: string, data?: OutcomeData): StepOutcome => ({
  type: 'unchanged',
  detail,
  ...(data && { data }),
});
/** Check again later; `wrote` records that this attempt already changed the cluster. */
export const waiting = (detail: string, recheckMs = 500, wrote = false): StepOutcome => ({
  type: 'waiting',
  detail,
  recheckMs,
  ...(wrote && { wrote }),
});
/** Give up without retrying. */
export const terminal = (reason: string, data?: OutcomeData): StepOutcome => ({
  type: 'terminal',
  reason,
  ...(data && { data }),
});
