/** Time and timers behind one port so tests and simulators can drive heartbeats and timeouts. */

/** A cancellable timer handle. */
export interface TimerHandle {
  cancel(): void;
}

/** The time source and scheduler the peering code uses instead of globals. */
export interface Clock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  setInterval(callback: () => void, ms: number): TimerHandle;
}

/** The real clock; timers are unref'd so an idle peering never keeps a CLI process alive. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  setInterval(callback, ms) {
    const timer = setInterval(callback, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

/** Consul's defaults: heartbeat every 15 s, give up after 2 minutes without one. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
/** Consul's defaultIncomingHeartbeatTimeout. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
