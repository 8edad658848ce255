/** Reconnect delays of Consul's dialer (`leader_peering.go`), as a pure function. */

/** How long to wait between stream attempts. */
export interface BackoffPolicy {
  /** Base of the exponential backoff: Consul waits 2^n seconds. */
  readonly baseMs: number;
  /** Cap of the exponential backoff: 64 s in Consul. */
  readonly maxMs: number;
  /** After FailedPrecondition (a follower): 8 ms for the first 5 attempts, then doubling to 8.192 s. */
  readonly followerBaseMs: number;
  readonly followerMaxMs: number;
}

/** Consul's timings. */
export const CONSUL_BACKOFF: BackoffPolicy = {
  baseMs: 1_000,
  maxMs: 64_000,
  followerBaseMs: 8,
  followerMaxMs: 8_192,
};

/** The delay before attempt number `failures + 1` (failures counts from 1). */
export function nextDelay(policy: BackoffPolicy, failures: number, follower: boolean): number {
  const n = Math.max(1, failures);
  if (follower) {
    if (n <= 5) return policy.followerBaseMs;
    return Math.min(policy.followerBaseMs * 2 ** (n - 5), policy.followerMaxMs);
  }
  return Math.min(policy.baseMs * 2 ** (n - 1), policy.maxMs);
}
