/**
 * Renders a plan as markdown for pull-request comments: a summary table, the topology graph, one
 * folded section per cluster, and a safe cut below GitHub's 65,536-character comment limit.
 */
import { renderMermaid } from './mermaid.ts';
import type { Plan } from './plan.ts';
import { actionSymbol, formatValue, stepsByLane, summaryLine, targetText } from './render-common.ts';
import type { Step } from './step.ts';

/** Stay well below GitHub's 65,536 limit: room for the marker and a trailing note. */
export const MARKDOWN_LIMIT = 60_000;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function stepRow(step: Step): string {
  const symbol = step.blockedBy !== undefined ? '⛔' : `\`${actionSymbol[step.action]}\``;
  const changes = (step.changes ?? [])
    .map((c) => `<br>\`${c.path}\`: ${formatValue(c.from)} → ${formatValue(c.to)}`)
    .join('');
  const blocked = step.blockedBy !== undefined ? `<br>blocked by \`${step.blockedBy}\`` : '';
  return `| ${symbol} | ${step.kind} | ${cell(targetText(step))} | ${cell(step.reason)}${cell(changes)}${blocked} |`;
}

function section(lane: string, steps: Step[]): string {
  const title = lane === 'verify' ? 'verification' : lane;
  return [
    `<details><summary><b>${title}</b>: ${steps.length} step${steps.length === 1 ? '' : 's'}</summary>`,
    '',
    '| | step | target | why |',
    '|---|---|---|---|',
    ...steps.map(stepRow),
    '',
    '</details>',
  ].join('\n');
}

function summaryTable(plan: Plan): string {
  const rows = stepsByLane(plan).map(([lane, steps]) => {
    const n = (f: (s: Step) => boolean) => steps.filter(f).length;
    return `| ${lane} | ${n((s) => s.action === 'create' || s.action === 'copy')} | ${n((s) => ['update', 'rotate', 'repair'].includes(s.action))} | ${n((s) => s.action === 'delete')} | ${n((s) => s.action === 'verify')} | ${n((s) => s.blockedBy !== undefined)} |`;
  });
  return ['| lane | add | change | destroy | verify | blocked |', '|---|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

function errorsBlock(plan: Plan): string[] {
  if (plan.errors.length === 0) return [];
  return [
    '#### ⛔ Failed preconditions',
    '',
    ...plan.errors.map((e) => `- **${e.cluster ?? 'plan'}**: ${e.message}  \n  fix: \`${e.fix}\``),
    '',
  ];
}

function warningsBlock(plan: Plan): string[] {
  if (plan.warnings.length === 0) return [];
  return ['#### ⚠️ Warnings', '', ...plan.warnings.map((w) => `- **${w.cluster}**: ${w.message}`), ''];
}

function notesBlock(plan: Plan): string[] {
  if (plan.notes.length === 0) return [];
  return ['#### Notes', '', ...plan.notes.map((n) => `- **${n.cluster}**: ${n.message}`), ''];
}

/** The plan as PR-comment markdown, never longer than MARKDOWN_LIMIT characters. */
export function renderMarkdown(plan: Plan): string {
  const head = [
    `### meshpeer plan for \`${plan.topology}\``,
    '',
    `**${summaryLine(plan)}** Plan \`${plan.hash}\`.`,
    '',
    ...errorsBlock(plan),
    ...warningsBlock(plan),
    ...notesBlock(plan),
    summaryTable(plan),
    '',
    '```mermaid',
    renderMermaid(plan),
    '```',
    '',
  ].join('\n');
  const sections = stepsByLane(plan).map(([lane, steps]) => section(lane, steps));
  let body = head;
  let shown = 0;
  for (const s of sections) {
    // Whole sections only, so a cut never leaves a <details> block open.
    if (body.length + s.length + 400 > MARKDOWN_LIMIT) break;
    body += `\n${s}\n`;
    shown++;
  }
  if (shown < sections.length) {
    body += `\n> ✂️ ${sections.length - shown} of ${sections.length} sections are not shown: the plan is too long for one comment. Run \`meshpeer plan\` to see all of it.\n`;
  }
  return body;
}
