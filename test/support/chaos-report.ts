/** The summary table of a chaos run, in Markdown so it can be pasted into docs/reliability.md as is. */
import type { ChaosReport } from './chaos-run.ts';

const row = (...cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

/** Renders the report as Markdown tables, one line per fact. */
export function formatChaosReport(r: ChaosReport): string {
  const o = r.options;
  const lines = [
    `chaos: ${o.clusters} clusters, ${o.workers} worker processes, ${Math.round(o.durationMs / 1000)} s of faults, seed ${o.seed}, lock ${o.lockDurationMs} ms`,
    '',
    row('fault', 'count'),
    row('---', '---:'),
    ...[...r.faults].map(([kind, n]) => row(kind, n)),
    '',
    row('runs', 'count'),
    row('---', '---:'),
    row('commits in the stream', r.commits),
    row('run requests (final ones included)', r.runs.requested),
    ...Object.entries(r.runs.byStatus)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => row(status, n)),
    row('coalesced into a later request', r.runs.coalesced),
    row('requests retried while Redis restarted', r.runs.retriedRequests),
    row('stuck in running', r.runs.stuck.length),
    row('failed without a reason', r.runs.failedWithoutReason.length),
    row('lost', r.runs.lost.length),
    '',
    row('end state', 'value'),
    row('---', '---:'),
    row('final run', `${r.final.status} (request ${r.final.attempts} of at most 3)`),
    row('final convergence time (faults off → verified)', `${(r.final.convergenceMs / 1000).toFixed(1)} s`),
    row('fresh plan converged', r.planConverged ? 'yes' : 'no'),
    row('objects checked (Kubernetes objects + Consul peerings)', r.state.checked),
    row('missing', r.state.missing.length),
    row('orphans', r.state.orphans.length),
    row('duplicates', r.state.duplicates.length),
    row('dialers stuck on a reused token (403)', r.state.tokenReuse.length),
    row('desired peering sides not ACTIVE', r.state.notActive.length),
    row('jobs left in the queues', r.leftoverJobs),
    '',
    ...(r.runs.reasons.length > 0
      ? ['reasons of failed and superseded runs:', ...r.runs.reasons.map((x) => `- ${x}`), '']
      : []),
    r.problems.length === 0 ? 'result: PASS' : `result: FAIL\n${r.problems.map((p) => `- ${p}`).join('\n')}`,
  ];
  return lines.join('\n');
}
