/**
 * Runs steps in this process (`meshpeer apply --inline`): the same executors and the same retry
 * policy as the BullMQ workers, with no Redis.
 */
import type { Step } from '../plan/index.ts';
import { execute } from '../steps/executors.ts';
import type { StepContext } from '../steps/step-context.ts';
import { classifyError } from './error-class.ts';
import {
  backoffDelay,
  defaultRetryPolicy,
  type RetryPolicy,
  recheckDelay,
  stepDeadline,
} from './retry-policy.ts';
import type { StepDispatcher } from './step-dispatcher.ts';
import type { StepResult } from './step-result.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A dispatcher that executes steps directly against the clusters. */
export function createInlineDispatcher(
  ctx: StepContext,
  policy: RetryPolicy = defaultRetryPolicy,
  onWaiting?: (step: Step, detail: string) => void,
): StepDispatcher {
  return {
    async dispatch(step, context) {
      const started = Date.now();
      const deadline = stepDeadline(step, policy, started);
      const result = (
        status: StepResult['status'],
        detail: string,
        attempts: number,
        data?: Readonly<Record<string, unknown>>,
      ): StepResult => ({
        id: step.id,
        kind: step.kind,
        lane: step.lane,
        action: step.action,
        status,
        detail,
        attempts,
        durationMs: Date.now() - started,
        ...(data && { data }),
      });
      let attempts = 0;
      let failures = 0;
      // An attempt that wrote and then waited makes the step `done`, even if the last check found nothing to do.
      let wrote = false;
      let waits = 0;
      for (;;) {
        attempts++;
        try {
          const outcome = await execute(step, ctx);
          if (outcome.type === 'done' || outcome.type === 'unchanged')
            return result(wrote ? 'done' : outcome.type, outcome.detail, attempts, outcome.data);
          if (outcome.type === 'terminal') return result('failed', outcome.reason, attempts, outcome.data);
          if (Date.now() + outcome.recheckMs > deadline)
            return result('failed', `gave up waiting: ${outcome.detail}`, attempts);
          wrote ||= outcome.wrote === true;
          onWaiting?.(step, outcome.detail);
          context.onWaiting?.(outcome.detail);
          await sleep(recheckDelay(waits++, outcome.recheckMs));
        } catch (err) {
          const { transient, message } = classifyError(err);
          failures++;
          if (!transient || failures >= policy.attempts) return result('failed', message, attempts);
          await sleep(backoffDelay(policy, failures));
        }
      }
    },
  };
}
