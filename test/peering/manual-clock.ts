/** A Clock for tests: time moves only when `advance` is called. */
import type { Clock, TimerHandle } from '../../src/peering/clock.ts';

interface Timer {
  at: number;
  readonly every: number | undefined;
  readonly callback: () => void;
  cancelled: boolean;
}

/** A manual clock with `advance(ms)` that fires due timers in order. */
export function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  const timers: Timer[] = [];
  const add = (callback: () => void, ms: number, every: number | undefined): TimerHandle => {
    const timer: Timer = { at: now + ms, every, callback, cancelled: false };
    timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  };
  return {
    now: () => new Date(now),
    setTimeout: (callback, ms) => add(callback, ms, undefined),
    setInterval: (callback, ms) => add(callback, ms, ms),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        now = due.at;
        if (due.every === undefined) due.cancelled = true;
        else due.at += due.every;
        due.callback();
      }
      now = end;
    },
  };
}
