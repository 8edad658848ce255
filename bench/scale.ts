/**
 * Scale benchmark (`npm run bench:scale`): plan time at 10, 100 and 500 clusters from generated
 * observed states, observe time against sandbox clusters, and an inline apply at 50 sandbox
 * clusters; each measurement in a fresh process, with memory and the growth factor per step up.
 * SCALE_OBSERVE (default 10,100) and SCALE_APPLY (default 50, 0 to skip) choose the sandbox sizes;
 * SCALE_PLAN=0 skips the planning rows.
 */
import { type Figures, measure, startSandboxProcess } from './scale-run.ts';
import { machine } from './stats.ts';

const sizes = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);

const ms = (v: number | undefined) =>
  v === undefined ? '-' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
const mib = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(0)} MiB`);

/** (time ratio) / (size ratio) against the previous row: 1 is linear, above 1 grows faster. */
function growth(rows: ReadonlyArray<{ n: number; f: Figures }>, i: number, key: string): string {
  const prev = rows[i - 1];
  const cur = rows[i];
  if (prev === undefined || cur === undefined) return '-';
  const ratio = (cur.f[key] ?? Number.NaN) / (prev.f[key] ?? Number.NaN) / (cur.n / prev.n);
  return ratio.toFixed(2);
}

function table(header: string[], rows: string[][]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('');
}

async function planRows(): Promise<void> {
  const cases: Array<[string, number]> = [
    ['ring', 10],
    ['ring', 100],
    ['ring', 500],
    ['mesh', 10],
    ['star', 100],
    ['star', 500],
  ];
  const rows: Array<{ shape: string; n: number; f: Figures }> = [];
  for (const [shape, n] of cases) rows.push({ shape, n, f: await measure(['plan', shape, String(n)]) });
  console.log('plan (pure; ring: each cluster accepts from its next two, star: one hub, mesh: every pair)\n');
  table(
    [
      'shape',
      'clusters',
      'steps',
      'plan from empty',
      'growth',
      'steady-state plan',
      'growth',
      'heap growth',
      'RSS growth',
    ],
    rows.map((r, i) => {
      const same = rows[i - 1]?.shape === r.shape ? rows.slice(i - 1, i + 1) : [];
      return [
        r.shape,
        String(r.n),
        String(r.f.steps),
        ms(r.f.fromEmptyMs),
        same.length === 2 ? growth(same, 1, 'fromEmptyMs') : '-',
        ms(r.f.steadyMs),
        same.length === 2 ? growth(same, 1, 'steadyMs') : '-',
        mib(r.f.heapMiB),
        mib(r.f.peakRssMiB),
      ];
    }),
  );
}

async function observeRows(): Promise<void> {
  const rows: Array<{ n: number; f: Figures }> = [];
  for (const n of sizes('SCALE_OBSERVE', '10,100')) {
    const sandbox = await startSandboxProcess('ring', n);
    try {
      const before = await sandbox.counts();
      const f = await measure(['observe', 'ring', String(n), sandbox.kubeconfig]);
      const after = await sandbox.counts();
      // Six observations: one cold, five warm.
      const perObserve = ((after.requests ?? 0) - (before.requests ?? 0)) / 6;
      rows.push({
        n,
        f: { ...f, perObserve, sandboxStartMs: sandbox.startMs, sandboxRssMiB: sandbox.rssMiB },
      });
    } finally {
      await sandbox.stop();
    }
  }
  console.log(
    'observe (ring, sandbox clusters with Consul in a separate process; memory is the observer only)\n',
  );
  table(
    [
      'clusters',
      'cold',
      'growth',
      'warm (median of 5)',
      'growth',
      'observer CPU (warm)',
      'API requests',
      'heap growth',
      'RSS growth',
      'sandbox start / RSS',
    ],
    rows.map((r, i) => [
      String(r.n),
      ms(r.f.coldMs),
      growth(rows, i, 'coldMs'),
      ms(r.f.warmMs),
      growth(rows, i, 'warmMs'),
      ms(r.f.warmCpuMs),
      (r.f.perObserve ?? 0).toFixed(0),
      mib(r.f.heapMiB),
      mib(r.f.peakRssMiB),
      `${ms(r.f.sandboxStartMs)} / ${mib(r.f.sandboxRssMiB)}`,
    ]),
  );
}

async function applyRows(): Promise<void> {
  for (const n of sizes('SCALE_APPLY', '50')) {
    const sandbox = await startSandboxProcess('ring', n, 2, 1);
    try {
      const f = await measure(['apply', 'ring', String(n), sandbox.kubeconfig]);
      const counts = await sandbox.counts();
      console.log(`apply --inline (ring of ${n} peerings, 2 services exported per peering)\n`);
      table(
        [
          'clusters',
          'peerings',
          'exit code',
          'apply to verified',
          'API requests',
          'writes',
          'heap growth',
          'RSS growth',
        ],
        [
          [
            String(n),
            String(n),
            String(f.code),
            ms(f.applyMs),
            String(counts.requests),
            String(counts.writes),
            mib(f.heapMiB),
            mib(f.peakRssMiB),
          ],
        ],
      );
    } finally {
      await sandbox.stop();
    }
  }
}

console.log(`machine: ${machine()}`);
console.log(
  'memory: heap growth is heapUsed after a full GC minus the same after loading every module; RSS growth is peak RSS minus RSS then\n',
);
if (process.env.SCALE_PLAN !== '0') await planRows();
await observeRows();
await applyRows();
