/**
 * SIGTERM and SIGINT for the long-running commands, listened for from the first line of start-up:
 * Kubernetes may stop a pod while it is still starting, and a signal with no listener yet kills
 * Node at once (no exit code, active work cut off) instead of a graceful stop once start-up ends.
 */

/** The first stop signal's name once it arrives; a second one exits at once with 130. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
    const first = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, first);
      for (const s of signals) process.once(s, () => process.exit(130));
      resolve(signal);
    };
    for (const s of signals) process.once(s, first);
  });
}
