/**
 * The one place where step outcomes become BullMQ behaviour: a result for done and unchanged, a
 * delayed re-check for waiting, UnrecoverableError for terminal outcomes and for waits past the
 * step's deadline, and a rethrow (so attempts and backoff apply) for transient errors.
 */
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { StepOutcome } from '../steps/step-outcome.ts';
import { classifyError } from './error-class.ts';
import { recheckDelay } from './retry-policy.ts';

/** What the step worker returns for a finished step. */
export interface StepJobResult {
  readonly status: 'done' | 'unchanged';
  readonly detail: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Moves a waiting job to delayed, counting its waits (for the back-off) and whether it wrote. */
async function delayRecheck(
  job: Job,
  token: string | undefined,
  outcome: Extract<StepOutcome, { type: 'waiting' }>,
  now: number,
): Promise<void> {
  const data = job.data as { wrote?: boolean; waits?: number };
  const waits = data.waits ?? 0;
  await job.updateData({ ...data, waits: waits + 1, ...((outcome.wrote || data.wrote) && { wrote: true }) });
  await job.updateProgress({ waiting: outcome.detail });
  await job.moveToDelayed(now + recheckDelay(waits, outcome.recheckMs), token);
}

/** Maps an executor's outcome to a job result, or throws the BullMQ control error that fits. */
export async function settleOutcome(
  job: Job,
  token: string | undefined,
  outcome: StepOutcome,
  deadline: number,
  now: number,
): Promise<StepJobResult> {
  switch (outcome.type) {
    case 'done':
    case 'unchanged': {
      // An earlier delivery that wrote and then waited makes the step `done`.
      const wrote = (job.data as { wrote?: boolean }).wrote === true;
      return {
        status: wrote ? 'done' : outcome.type,
        detail: outcome.detail,
        ...(outcome.data && { data: outcome.data }),
      };
    }
    case 'terminal':
      throw new UnrecoverableError(outcome.reason);
    case 'waiting':
      if (now + outcome.recheckMs > deadline)
        throw new UnrecoverableError(`gave up waiting: ${outcome.detail}`);
      await delayRecheck(job, token, outcome, now);
      throw new DelayedError();
  }
}

/** Maps a thrown error: transient ones are rethrown for BullMQ's backoff, others end the job. */
export function settleError(err: unknown): never {
  const { transient, message } = classifyError(err);
  if (transient) throw new Error(message);
  throw new UnrecoverableError(message);
}
