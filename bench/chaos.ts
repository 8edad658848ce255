/**
 * `npm run chaos`: a sandbox of 10 clusters (a ring plus chords), Redis with an append-only file
 * and 3 `meshpeer worker` processes; for a few minutes a stream of commits changes peerings and
 * exports while workers are SIGKILLed, Redis restarts once, API faults change, Consul streams drop
 * and peerings are deleted behind meshpeer's back. Then the last commit must converge and verify
 * with nothing lost, duplicated or orphaned. Prints a Markdown table; exits 1 on any problem.
 *
 *   npm run chaos -- --minutes 3 --clusters 10 --workers 3 --seed 42 --keep
 */
import { parseArgs } from 'node:util';
import { formatChaosReport } from '../test/support/chaos-report.ts';
import { runChaos } from '../test/support/chaos-run.ts';
import { machine } from './stats.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    clusters: { type: 'string', default: '10' },
    workers: { type: 'string', default: '3' },
    seed: { type: 'string' },
    'lock-duration': { type: 'string', default: '3000' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const durationMs = Math.round(Number(values.minutes) * 60_000);
const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
const started = Date.now();
const report = await runChaos({
  clusters: Number(values.clusters),
  workers: Number(values.workers),
  durationMs,
  seed,
  lockDurationMs: Number(values['lock-duration']),
  // About 20 commits and 12 worker kills in the default three minutes.
  every: {
    commitMs: durationMs / 20,
    killMs: durationMs / 12,
    kubeFaultMs: durationMs / 18,
    dropMs: durationMs / 15,
  },
  finalTimeoutMs: 300_000,
  keepDir: values.keep,
  ...(!values.quiet && {
    log: (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`),
  }),
});

process.stdout.write(`\n${formatChaosReport(report)}\n`);
process.stdout.write(`\nwall time ${Math.round((Date.now() - started) / 1000)} s on ${machine()}\n`);
if (values.keep) process.stdout.write(`kept ${report.dir} (workers.log, kubeconfig)\n`);
process.exit(report.problems.length === 0 ? 0 : 1);
