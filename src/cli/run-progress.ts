/** Live progress lines for runs: one line per finished step, grouped by lane, with timing. */
import type { RunRecord } from '../run/run-record.ts';
import type { StepResult } from '../run/step-result.ts';
import { placeLabel, type Topology } from '../topology/index.ts';
import type { Paint } from './output.ts';

const symbols: Record<StepResult['status'], string> = {
  done: '✓',
  unchanged: '=',
  failed: '✗',
  skipped: '-',
};

/** `cluster-01 <-> cluster-02` from a verify step id (`verify/a/default/b/default`). */
function verifiedPair(id: string): string {
  const [, a = '', ap = '', d = '', dp = ''] = id.split('/');
  return `${placeLabel(a, ap)} <-> ${placeLabel(d, dp)}`;
}

/** The width of the lane column: the longest install key (`cluster/partition` ones are long). */
export function laneWidth(topology: Topology): number {
  return Math.max(12, ...topology.clusters.map((c) => c.name.length));
}

/** One progress line for a finished step. */
export function stepLine(r: StepResult, c: Paint, width = 12): string {
  const color =
    r.status === 'failed'
      ? c.red
      : r.status === 'done'
        ? c.green
        : r.status === 'skipped'
          ? c.yellow
          : c.gray;
  const attempts = r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
  const where = r.kind === 'verify' ? verifiedPair(r.id) : r.lane;
  return `${color(symbols[r.status])} ${where.padEnd(width)} ${r.kind.padEnd(18)} ${color(r.status.padEnd(9))} ${r.detail} ${c.gray(`(${r.durationMs} ms${attempts})`)}`;
}

/**
 * The closing lines of a run. `changed` and `unchanged` count the steps that write; `failed` and
 * `skipped` count every step, a failed verification included, so a run that only failed to verify
 * never reads "0 failed".
 */
export function runSummary(record: RunRecord, c: Paint): string {
  const took = record.finishedAt ? Date.parse(record.finishedAt) - Date.parse(record.startedAt) : 0;
  const count = (f: (r: StepResult) => boolean) => record.steps.filter(f).length;
  const writes = (s: StepResult['status']) => count((r) => r.status === s && r.kind !== 'verify');
  const failed = count((r) => r.status === 'failed');
  const skipped = count((r) => r.status === 'skipped');
  const verified = count((r) => r.kind === 'verify' && (r.status === 'done' || r.status === 'unchanged'));
  const unverified = count((r) => r.kind === 'verify' && r.status === 'failed');
  const peerings = `${verified} peering${verified === 1 ? '' : 's'} verified${unverified > 0 ? `, ${unverified} failed verification` : ''}`;
  const line = `run ${record.id} ${record.status} in ${(took / 1000).toFixed(1)} s: ${writes('done')} changed, ${writes('unchanged')} unchanged, ${failed} failed, ${skipped} skipped; ${peerings}`;
  if (record.status === 'succeeded') return c.green(line);
  // Failed preconditions say why (an unreachable cluster names its API server and deadline).
  const errors = (record.errors ?? []).map((e) => `\n${c.red(`  x ${e.message}`)}`).join('');
  return `${c.red(line)}${record.failure ? `\n${c.red(`  failing step ${record.failure}`)}` : ''}${errors}`;
}
