/**
 * Cold start of the CLI: `meshpeer --help` and `meshpeer validate -f
 * desired-state-examples/runbook/peerings.yaml`, each a new process through bin/meshpeer.js with a
 * freshly built dist/ (built in a copy of the package, so edits to src/ during the run cannot make it
 * stale), beside `node -e 0` in the same run; runs are interleaved so load changes hit all alike.
 * Wall time and peak RSS come from GNU time (`/usr/bin/time -f %e %M`) around each process.
 * Goal: at most 3x `node -e 0` in median wall time and at most 90 MiB peak RSS.
 * Run with `npm run bench:cli` (RUNS=N for more runs, SOURCE_RUNS=N for the tsx path, 0 to skip;
 * BEFORE=<commit> also builds the package as it was at that commit, with that commit's build script,
 * and runs its two commands in the same interleaved rounds, for a before/after under equal load).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { buildTree } from '../test/cli/built-tree.ts';
import { machine, median, percentile } from './stats.ts';

const RUNS = Number(process.env.RUNS ?? 15);
const SOURCE_RUNS = Number(process.env.SOURCE_RUNS ?? 5);
const BEFORE = process.env.BEFORE;
const TIME = '/usr/bin/time';
const WALL_GOAL = 3;
const RSS_GOAL_MIB = 90;
const FILE = 'desired-state-examples/runbook/peerings.yaml';

interface Sample {
  readonly ms: number;
  readonly rssMiB: number;
}

/** Runs one process under GNU time; its wall time from our clock, its peak RSS from time's %M. */
function sample(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Sample {
  const start = process.hrtime.bigint();
  const run = spawnSync(TIME, ['-f', 'rss=%M', process.execPath, ...args], { encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = /rss=(\d+)/.exec(run.stderr)?.[1];
  if (run.status !== 0 || rss === undefined)
    throw new Error(`node ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
  return { ms, rssMiB: Number(rss) / 1024 };
}

function summary(samples: readonly Sample[]) {
  const ms = samples.map((s) => s.ms);
  const rss = samples.map((s) => s.rssMiB);
  return { median: median(ms), p95: percentile(ms, 95), rss: median(rss), rssMax: Math.max(...rss) };
}

/** The three load averages, as uptime prints them. */
function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

async function timedBuild(what: string, commit?: string) {
  const start = Date.now();
  const built = await buildTree(commit === undefined ? {} : { commit });
  console.log(`built ${what} in ${((Date.now() - start) / 1000).toFixed(1)} s (${built.root})`);
  return built;
}

if (!existsSync(TIME)) {
  console.error(`bench:cli needs GNU time at ${TIME} for peak RSS (Debian: apt-get install time)`);
  process.exit(1);
}
console.log(`machine: ${machine()}`);
const tree = await timedBuild('a copy of the package');
const before =
  BEFORE === undefined
    ? undefined
    : await timedBuild(`the package at ${BEFORE}`, BEFORE).catch(async (err: unknown) => {
        await tree.remove();
        throw err;
      });

const cases: Record<string, readonly string[]> = {
  'node -e 0': ['-e', '0'],
  'meshpeer --help': [tree.bin, '--help'],
  [`meshpeer validate -f ${FILE}`]: [tree.bin, 'validate', '-f', FILE],
};
if (before !== undefined) {
  cases[`meshpeer --help (at ${BEFORE})`] = [before.bin, '--help'];
  cases[`meshpeer validate -f ${FILE} (at ${BEFORE})`] = [before.bin, 'validate', '-f', FILE];
}
const names = Object.keys(cases);
const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
console.log(`load average before the runs: ${load()}`);
try {
  for (const name of names) sample(cases[name] ?? []); // warm the file cache once
  for (let i = 0; i < RUNS; i++) {
    // A different order each round, so no case always follows the same one.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length] ?? '';
      samples.get(name)?.push(sample(cases[name] ?? []));
    }
  }
  const source: Sample[] = [];
  for (let i = 0; i < SOURCE_RUNS; i++)
    source.push(sample(cases[names[2] ?? ''] ?? [], { ...process.env, MESHPEER_FROM_SOURCE: '1' }));

  const base = summary(samples.get(names[0] ?? '') ?? []);
  console.log(`load average after the runs: ${load()}`);
  console.log(`\n${RUNS} runs each, interleaved; wall time in ms, peak RSS in MiB (median, max)`);
  console.log('| command | median ms | p95 ms | × node -e 0 | peak RSS MiB (max) | goal |');
  console.log('|---|---|---|---|---|---|');
  for (const name of names) {
    const s = summary(samples.get(name) ?? []);
    const ratio = s.median / base.median;
    const goal =
      name === names[0]
        ? 'baseline'
        : `${ratio <= WALL_GOAL ? 'met' : 'missed'} ${ratio.toFixed(2)}/${WALL_GOAL}× wall, ${s.rssMax <= RSS_GOAL_MIB ? 'met' : 'missed'} ${(s.rssMax / RSS_GOAL_MIB).toFixed(2)} of ${RSS_GOAL_MIB} MiB`;
    console.log(
      `| \`${name}\` | ${s.median.toFixed(0)} | ${s.p95.toFixed(0)} | ${ratio.toFixed(2)} | ${s.rss.toFixed(0)} (${s.rssMax.toFixed(0)}) | ${goal} |`,
    );
  }
  if (source.length > 0) {
    const s = summary(source);
    console.log(
      `\nthe same validate through the sources and tsx (MESHPEER_FROM_SOURCE=1, no build), ${source.length} runs: median ${s.median.toFixed(0)} ms (${(s.median / base.median).toFixed(1)}× node -e 0), p95 ${s.p95.toFixed(0)} ms, peak RSS ${s.rss.toFixed(0)} MiB (max ${s.rssMax.toFixed(0)})`,
    );
  }
} finally {
  await tree.remove();
  await before?.remove();
}
