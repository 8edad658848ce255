/**
 * SIGTERM and SIGINT for the long-running commands, listened for from the first line of start-up:
 * Kubernetes may stop a pod while it is still starting, and a signal with no listener yet kills
 * Node at once (no exit code, active work cut off) instead of a graceful stop once start-up ends.
 */
import { constants } from 'node:os';

/** The stop signal of one command run. */
export interface StopSignal {
  /** Resolves with the first signal's name; a second signal exits at once (128 + its number). */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Whether a signal came already, so start-up can skip what would only be stopped again. */
  received(): boolean;
  /** Stops listening: a start-up that failed must not keep swallowing the signals. */
  dispose(): void;
}

/** Listens for SIGTERM and SIGINT; `onSignal` hears the first at once (start-up may still run). */
export function stopSignal(onSignal: (signal: NodeJS.Signals) => void): StopSignal {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  let got: NodeJS.Signals | undefined;
  let first: (signal: NodeJS.Signals) => void = () => {};
  const again = (signal: NodeJS.Signals) => process.exit(128 + constants.signals[signal]);
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    first = (signal) => {
      got = signal;
      for (const s of signals) process.off(s, first);
      for (const s of signals) process.once(s, again);
      onSignal(signal);
      resolve(signal);
    };
    for (const s of signals) process.once(s, first);
  });
  return {
    stopped,
    received: () => got !== undefined,
    dispose() {
      for (const s of signals) {
        process.off(s, first);
        process.off(s, again);
      }
    },
  };
}
