/** Pieces shared by the text and markdown renderers: symbols, grouping and value formatting. */
import type { Plan } from './plan.ts';
import type { Step, StepAction } from './step.ts';

/** The one-character marker of each action, as in `terraform plan`. */
export const actionSymbol: Record<StepAction, string> = {
  create: '+',
  copy: '+',
  update: '~',
  rotate: '~',
  repair: '~',
  delete: '-',
  check: '?',
  verify: '*',
};

/** Steps grouped by lane in plan order, clusters first (sorted) and `verify` last. */
export function stepsByLane(plan: Plan): Array<[string, Step[]]> {
  const groups = new Map<string, Step[]>();
  for (const step of plan.steps) groups.set(step.lane, [...(groups.get(step.lane) ?? []), step]);
  return [...groups.entries()].sort(([a], [b]) =>
    a === 'verify' ? 1 : b === 'verify' ? -1 : a.localeCompare(b),
  );
}

/** A short, secret-free rendering of a changed value. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `kind namespace/name`, or the peering pair for verification. */
export function targetText(step: Step): string {
  if (step.kind === 'verify') return `peering ${step.target.name.replace('<->', ' <-> ')}`;
  const from = step.kind === 'token-transfer' ? ` (from ${step.params.from.cluster})` : '';
  return `${step.target.kind} ${step.target.namespace}/${step.target.name}${from}`;
}

/** The summary sentence: `Plan: 5 to add, 0 to change, 0 to destroy, 1 to verify.` */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const blocked = s.blocked > 0 ? ` ${s.blocked} blocked.` : '';
  if (plan.converged)
    return `No changes: ${s.verify} peering${s.verify === 1 ? '' : 's'} to verify. The clusters match the desired state.`;
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy, ${s.verify} to verify.${blocked}`;
}
