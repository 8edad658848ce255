/**
 * Counts failed credential attempts per client address in a fixed window and blocks an address
 * that exceeds the limit until its window ends, so a token cannot be guessed quickly. In memory
 * and per process, bounded in size; a shared limiter (Redis) would only matter with many replicas.
 */

/** Limits of the failure limiter. */
export interface FailureLimits {
  /** Failed attempts allowed per client within one window before it is blocked. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Clients tracked at once; the oldest entry is dropped beyond this. */
  readonly maxClients: number;
}

/** Defaults: 10 failures in 5 minutes, then wait for the window to end. */
export const DEFAULT_FAILURE_LIMITS: FailureLimits = {
  maxFailures: 10,
  windowMs: 5 * 60_000,
  maxClients: 10_000,
};

/** The limiter's interface: ask before checking credentials, report each failure after. */
export interface FailureLimiter {
  /** Milliseconds until `client` may try again, or 0 when it may try now. */
  blockedForMs(client: string, nowMs: number): number;
  recordFailure(client: string, nowMs: number): void;
}

interface Window {
  startMs: number;
  failures: number;
}

/** Creates an empty limiter. */
export function createFailureLimiter(limits: FailureLimits = DEFAULT_FAILURE_LIMITS): FailureLimiter {
  const windows = new Map<string, Window>();
  const current = (client: string, nowMs: number): Window | undefined => {
    const w = windows.get(client);
    if (w !== undefined && nowMs - w.startMs >= limits.windowMs) {
      windows.delete(client);
      return undefined;
    }
    return w;
  };
  return {
    blockedForMs(client, nowMs) {
      const w = current(client, nowMs);
      if (w === undefined || w.failures < limits.maxFailures) return 0;
      return w.startMs + limits.windowMs - nowMs;
    },
    recordFailure(client, nowMs) {
      const w = current(client, nowMs);
      if (w !== undefined) {
        w.failures += 1;
        return;
      }
      // Map iteration is insertion order, so the first key is the oldest window.
      if (windows.size >= limits.maxClients) {
        const oldest = windows.keys().next();
        if (oldest.done !== true) windows.delete(oldest.value);
      }
      windows.set(client, { startMs: nowMs, failures: 1 });
    },
  };
}
