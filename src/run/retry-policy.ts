import type { Step } from '../plan/index.ts';

/** Retry and waiting limits shared by the inline runner and the BullMQ workers. */

/** How persistent step execution is. */
export interface RetryPolicy {
  /** Attempts for transient errors, the first included. */
  readonly attempts: number;
  /** Base of the exponential backoff, in ms; each retry doubles it, with full jitter. */
  readonly backoffMs: number;
  /** How long a step may keep waiting for a controller before it fails. */
  readonly stepDeadlineMs: number;
}

/** Defaults suited to real clusters (the sandbox and tests pass shorter ones). */
export const defaultRetryPolicy: RetryPolicy = { attempts: 6, backoffMs: 500, stepDeadlineMs: 120_000 };

/** Delay before retry `attempt` (1-based): exponential with full jitter, so retries do not align. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const cap = policy.backoffMs * 2 ** Math.min(attempt - 1, 10);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/**
 * When to look again at a waiting step: controllers usually react within milliseconds, so the
 * first re-check comes after 100 ms and later ones back off to the executor's own interval.
 */
export function recheckDelay(waits: number, capMs: number): number {
  return Math.min(capMs, 100 * 2 ** Math.min(waits, 10));
}

/** When waiting for a step turns into failure: a verify step has its own bound, others the policy's. */
export function stepDeadline(step: Step, policy: RetryPolicy, started: number): number {
  return started + (step.kind === 'verify' ? step.params.timeoutMs : policy.stepDeadlineMs);
}
