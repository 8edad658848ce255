/**
 * Executes a plan's steps in dependency order: every step whose dependencies finished starts at
 * once (so lanes run in parallel and each lane in order); a failed step's dependents are skipped
 * and everything else goes on.
 */
import type { Step } from '../plan/index.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { type StepResult, skipped } from './step-result.ts';

/** Runs `steps` (dependencies outside the list count as satisfied) and returns results in plan order. */
export async function executeDag(
  steps: readonly Step[],
  run: (step: Step) => Promise<StepResult>,
  onResult?: (r: StepResult) => void,
): Promise<StepResult[]> {
  const ids = new Set(steps.map((s) => s.id));
  const results = new Map<string, StepResult>();
  const pending = new Set(steps.map((s) => s.id));
  const running = new Map<string, Promise<void>>();
  const record = (r: StepResult) => {
    results.set(r.id, r);
    onResult?.(r);
  };
  while (pending.size > 0 || running.size > 0) {
    for (const step of steps) {
      if (!pending.has(step.id)) continue;
      const deps = step.dependsOn.filter((d) => ids.has(d));
      const failed = deps.find(
        (d) => results.has(d) && !['done', 'unchanged'].includes(results.get(d)?.status ?? ''),
      );
      if (failed !== undefined) {
        pending.delete(step.id);
        record(skipped(step, `skipped: ${failed} did not succeed`));
        continue;
      }
      if (!deps.every((d) => results.has(d))) continue;
      pending.delete(step.id);
      running.set(
        step.id,
        run(step)
          .then(record, (err: unknown) =>
            record({ ...skipped(step, `failed: ${safeErrorMessage(err)}`), status: 'failed' }),
          )
          .finally(() => running.delete(step.id)),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return steps.map((s) => results.get(s.id) ?? skipped(s, 'skipped: never became ready'));
}
