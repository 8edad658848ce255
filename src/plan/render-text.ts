/** Renders a plan for the terminal, like `terraform plan`: one block per cluster, then a summary. */
import { installCount } from '../topology/index.ts';
import type { Plan } from './plan.ts';
import { actionSymbol, formatValue, stepsByLane, summaryLine, targetText } from './render-common.ts';
import type { Step } from './step.ts';

/** Color functions; identity functions when colors are off. */
export interface TextStyle {
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly red: (s: string) => string;
  readonly gray: (s: string) => string;
  readonly bold: (s: string) => string;
}

const plainStyle: TextStyle = {
  green: (s) => s,
  yellow: (s) => s,
  red: (s) => s,
  gray: (s) => s,
  bold: (s) => s,
};

function colorFor(step: Step, style: TextStyle): (s: string) => string {
  if (step.blockedBy !== undefined) return style.red;
  if (step.action === 'create' || step.action === 'copy') return style.green;
  if (step.action === 'delete') return style.red;
  if (step.action === 'verify' || step.action === 'check') return (s) => s;
  return style.yellow;
}

function stepLines(step: Step, style: TextStyle): string[] {
  const symbol = step.blockedBy !== undefined ? '!' : actionSymbol[step.action];
  const head = `  ${symbol} ${step.kind.padEnd(18)} ${targetText(step)}`;
  const lines = [colorFor(step, style)(head), style.gray(`      ${step.reason}`)];
  for (const change of step.changes ?? [])
    lines.push(`      ${change.path}: ${formatValue(change.from)} -> ${formatValue(change.to)}`);
  if (step.blockedBy !== undefined) lines.push(style.red(`      blocked by ${step.blockedBy}`));
  return lines;
}

/** The plan as terminal text; `style` adds colors. */
export function renderText(plan: Plan, style: TextStyle = plainStyle): string {
  const lines = [
    style.bold(`meshpeer plan: ${plan.topology} (${installCount(plan.clusters)}, plan ${plan.hash})`),
    '',
  ];
  for (const [lane, steps] of stepsByLane(plan)) {
    lines.push(style.bold(lane === 'verify' ? 'verification' : lane));
    for (const step of steps) lines.push(...stepLines(step, style));
    lines.push('');
  }
  if (plan.errors.length > 0) {
    lines.push(style.red(style.bold('Failed preconditions (they block the steps of their cluster):')));
    for (const e of plan.errors)
      lines.push(style.red(`  x ${e.cluster ?? 'plan'}: ${e.message}`), `      fix: ${e.fix}`);
    lines.push('');
  }
  if (plan.warnings.length > 0) {
    lines.push(style.yellow(style.bold('Warnings (they block nothing):')));
    for (const w of plan.warnings) lines.push(style.yellow(`  ! ${w.cluster}: ${w.message}`));
    lines.push('');
  }
  if (plan.notes.length > 0) {
    lines.push(style.bold('Notes:'));
    for (const n of plan.notes) lines.push(style.gray(`  ${n.cluster}: ${n.message}`));
    lines.push('');
  }
  lines.push(style.bold(summaryLine(plan)));
  return `${lines.join('\n')}\n`;
}
