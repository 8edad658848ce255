/**
 * The `meshpeer/plan` check run for a planned pull request head: annotations on the topology file's
 * lines for validation errors, and for failed preconditions, which carry no position in the file
 * (they are facts about a cluster), annotations on line 1 that say so.
 */
import type { Plan } from '../plan/index.ts';
import { summaryLine } from '../plan/render-common.ts';
import type { CheckAnnotation, CheckRun } from '../scm/scm-publisher.ts';
import { type Diagnostic, formatDiagnostic } from '../topology/index.ts';

/** The check run for a file that failed validation: one annotation per positioned error. */
export function invalidCheckRun(path: string, diagnostics: readonly Diagnostic[]): CheckRun {
  const annotations: CheckAnnotation[] = diagnostics.map((d) => ({
    path,
    startLine: Math.max(1, d.line),
    endLine: Math.max(1, d.line),
    title: `${d.code} at ${d.path === '' ? 'document' : d.path}`,
    message: d.message,
  }));
  const count = `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`;
  return {
    name: 'meshpeer/plan',
    conclusion: 'failure',
    title: `${path} is invalid: ${count}`,
    summary: [
      `\`${path}\` has ${count}. Nothing was planned and no cluster was contacted; fix these and push again.`,
      '',
      ...diagnostics.map((d) => `- \`${formatDiagnostic(d)}\``),
    ].join('\n'),
    annotations,
  };
}

/** The check run for a plan: failure when a precondition failed, success otherwise. */
export function plannedCheckRun(path: string, plan: Plan): CheckRun {
  const annotations: CheckAnnotation[] = plan.errors.map((e) => ({
    path,
    startLine: 1,
    endLine: 1,
    title: `failed precondition ${e.id}`,
    message: `${e.message}\nfix: ${e.fix}\n(preconditions concern a cluster, not a line of ${path}, so they are shown on line 1)`,
  }));
  const failed = plan.errors.length;
  return {
    name: 'meshpeer/plan',
    conclusion: failed > 0 ? 'failure' : 'success',
    title: failed > 0 ? `${failed} failed precondition${failed === 1 ? '' : 's'}` : summaryLine(plan),
    summary: [
      summaryLine(plan),
      ...(failed > 0 ? ['', 'Failed preconditions (they block the steps of their cluster):'] : []),
      ...plan.errors.map((e) => `- **${e.id}**: ${e.message} — fix: ${e.fix}`),
    ].join('\n'),
    annotations,
  };
}

/** The check run when planning itself failed (Git, SCM or a cluster unreachable): neutral. */
export function erroredCheckRun(message: string): CheckRun {
  return {
    name: 'meshpeer/plan',
    conclusion: 'neutral',
    title: 'plan failed',
    summary: `Planning failed: ${message}. meshpeer plans again on the next push or retry.`,
    annotations: [],
  };
}
