/**
 * What the Redis topology costs an apply: the same run through BullMQ on one Redis, on a Sentinel
 * group (master, replica, sentinel) and on a 3-master Cluster, all real `redis-server` processes
 * on loopback. Per mode: a fresh sandbox of `three-cluster-mesh` converged from empty (once), then
 * `--repeats` no-op applies of the converged state (median and p90), where Redis round trips are
 * most of the work; after a warm-up round on one Redis that is not counted. `npm run bench:redis [-- --repeats=10]`.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startLocalRedis } from '../sandbox/src/local-redis.ts';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  startQueue,
} from '../test/integration/sandbox-fixture.ts';
import { startLocalCluster } from '../test/support/redis-cluster.ts';
import { startLocalSentinel } from '../test/support/redis-sentinel.ts';
import { machine, median, percentile } from './stats.ts';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '10' } } });
const repeats = Number(values.repeats);

interface Mode {
  readonly name: string;
  readonly start: () => Promise<{ url: string; stop(): Promise<void> }>;
}

const modes: Mode[] = [
  { name: 'single', start: () => startLocalRedis() },
  { name: 'sentinel', start: () => startLocalSentinel() },
  { name: 'cluster', start: () => startLocalCluster() },
];

/** Applies the example once and returns the wall time; throws unless the run succeeded. */
async function applyOnce(q: Awaited<ReturnType<typeof startQueue>>, fx: ExampleSandbox, content: string) {
  const started = performance.now();
  const runId = await q.request(fx.file, 'bench', content);
  // Polled every 5 ms: the test fixture's 100 ms poll would be most of a no-op apply.
  for (;;) {
    const record = await q.store.get(runId);
    if (record !== undefined && record.status !== 'running') {
      if (record.status !== 'succeeded') throw new Error(`run ${runId} ${record.status}: ${record.failure}`);
      return performance.now() - started;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function measure(mode: Mode): Promise<{ converge: number; noop: number[] }> {
  const redis = await mode.start();
  const fx = await startExampleSandbox('three-cluster-mesh', shortIntervals);
  const q = await startQueue(redis.url, fx.kubeconfig);
  try {
    const content = await readFile(fx.file, 'utf8');
    const converge = await applyOnce(q, fx, content);
    const noop: number[] = [];
    for (let i = 0; i < repeats; i++) noop.push(await applyOnce(q, fx, content));
    return { converge, noop };
  } finally {
    await q.close();
    await fx.stop();
    await redis.stop();
  }
}

console.log(`machine: ${machine()}`);
console.log(`three-cluster-mesh through BullMQ; ${repeats} no-op applies per mode\n`);
// A first round warms the JIT and module caches, which would otherwise count against the first mode.
await measure({ name: 'warm-up', start: () => startLocalRedis() });
const results = new Map<string, { converge: number; noop: number[] }>();
for (const mode of modes) results.set(mode.name, await measure(mode));
const base = results.get('single');
const ms = (n: number) => `${Math.round(n)} ms`;
const ratio = (n: number, of: number | undefined) => (of === undefined ? '' : `${(n / of).toFixed(2)}×`);
console.log('| Redis | converge from empty | ratio | no-op apply median | p90 | ratio |');
console.log('|---|---|---|---|---|---|');
for (const [name, r] of results) {
  const noop = median(r.noop);
  console.log(
    `| ${name} | ${ms(r.converge)} | ${ratio(r.converge, base?.converge)} | ${ms(noop)} | ${ms(percentile(r.noop, 90))} | ${ratio(noop, base === undefined ? undefined : median(base.noop))} |`,
  );
}
