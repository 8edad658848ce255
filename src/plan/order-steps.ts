/**
 * Orders steps into a DAG: runbook phase first, then lane and id; every step waits for the one
 * before it in its lane (steps of one cluster never run at once), verification waits for both
 * clusters' lanes, and a block spreads to everything that explicitly depends on a blocked step.
 */
import { STEP_KINDS, type Step } from './step.ts';

const phase = new Map(STEP_KINDS.map((k, i) => [k, i]));

function compare(a: Step, b: Step): number {
  return (
    (phase.get(a.kind) ?? 0) - (phase.get(b.kind) ?? 0) ||
    a.lane.localeCompare(b.lane) ||
    a.id.localeCompare(b.id)
  );
}

/** Sorts steps and fills in dependencies and transitive blocks; `blocks` maps a lane to the error blocking it. */
export function orderSteps(
  steps: readonly Step[],
  blocks: ReadonlyMap<string, string>,
  verifyLanes: (s: Step) => readonly string[],
): Step[] {
  const sorted = [...steps].sort(compare);
  const lastInLane = new Map<string, string>();
  const blockedIds = new Map<string, string>();
  const out: Step[] = [];
  for (const step of sorted) {
    const deps = new Set(step.dependsOn);
    const lanes = step.kind === 'verify' ? verifyLanes(step) : [step.lane];
    for (const lane of lanes) {
      const previous = lastInLane.get(lane);
      if (previous !== undefined) deps.add(previous);
    }
    const dependsOn = [...deps].sort();
    const inherited = dependsOn.map((d) => blockedIds.get(d)).find((b) => b !== undefined);
    const blockedBy =
      step.blockedBy ?? blocks.get(step.lane) ?? lanes.map((l) => blocks.get(l)).find(Boolean) ?? inherited;
    if (blockedBy !== undefined) blockedIds.set(step.id, blockedBy);
    // A blocked step never runs, so later steps of its lane chain to the last step that will.
    else if (step.kind !== 'verify') lastInLane.set(step.lane, step.id);
    out.push({ ...step, dependsOn, ...(blockedBy !== undefined && { blockedBy }) });
  }
  return out;
}
