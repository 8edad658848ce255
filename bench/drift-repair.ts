/**
 * Continuous reconciliation of `meshpeer serve` on the sandbox: (a) what one periodic check costs
 * (re-observe every install, re-plan, re-verify every peering) on a ring of N clusters, and (b)
 * with a short interval and self-heal on, how long a peering deleted in Consul behind meshpeer's
 * back takes to show as unhealthy, to get a `drift` run, and to be healthy again.
 * Run with `npm run bench:drift` (BENCH_CLUSTERS, default "2,10,30"; BENCH_SAMPLES, default 5;
 * BENCH_INTERVAL in ms, default 2000; BENCH_DRIFT_CLUSTERS, default "2,10"; REDIS_URL optional;
 * BENCH_DEBUG=1 prints each drift run's steps with attempts and durations).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../sandbox/src/local-redis.ts';
import { Sandbox } from '../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/src/sandbox-config.ts';
import { type RunningServe, startServe } from '../src/app/serve-app.ts';
import type { ServeConfig } from '../src/app/serve-config.ts';
import { HealthStore } from '../src/gitops/health-store.ts';
import { clientConnection } from '../src/run/queues.ts';
import { RedisRunStore } from '../src/run/redis-run-store.ts';
import type { RunRecord } from '../src/run/run-record.ts';
import { parseTopology } from '../src/topology/index.ts';
import { startGitHttpServer } from '../test/support/git-http-server.ts';
import { startScmStandIn } from '../test/support/scm-stand-in.ts';
import { benchServeConfig } from './bench-serve-config.ts';
import { machine, median, percentile } from './stats.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const SIZES = (process.env.BENCH_CLUSTERS ?? '2,10,30').split(',').map(Number);
const DRIFT_SIZES = (process.env.BENCH_DRIFT_CLUSTERS ?? '2,10').split(',').map(Number);
const INTERVAL = Number(process.env.BENCH_INTERVAL ?? 2000);
// The serve default: a tenth of the interval, at most 30 s (src/gitops/reconciler.ts).
const JITTER = Math.min(30_000, Math.floor(INTERVAL / 10));
const TOKEN = 'ghp_benchDriftToken00112233445566';
const REPO = 'acme/mesh';
// The ring's first peering: cluster-02 dials cluster-01, for every N.
const PEERING = 'cluster-01/default>cluster-02/default';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const peeringCount = (clusters: number) => (clusters === 2 ? 1 : clusters);

/** A ring of peerings over N clusters (2 clusters: the runbook's one peering). */
function ringYaml(clusters: number): string {
  const name = (i: number) => `cluster-${String((i % clusters) + 1).padStart(2, '0')}`;
  const lines = ['apiVersion: meshpeer.dev/v1alpha1', 'kind: PeeringTopology', 'metadata:', '  name: bench'];
  lines.push('clusters:', ...Array.from({ length: clusters }, (_, i) => `  - name: ${name(i)}`), 'peerings:');
  for (let i = 0; i < peeringCount(clusters); i++)
    lines.push(`  - acceptor: ${name(i)}`, `    dialer: ${name(i + 1)}`);
  return `${lines.join('\n')}\n`;
}

/** A bare repository whose main holds `content` as peerings.yaml. */
async function gitRepo(root: string, content: string): Promise<void> {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const ident = ['-c', 'user.name=b', '-c', 'user.email=b@example.invalid'];
  const work = join(root, 'work');
  const git = (...args: string[]) => execFileSync('git', [...ident, ...args], { cwd: work, env });
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', join(root, 'mesh.git')], { env });
  execFileSync('git', ['init', '-q', '--initial-branch=main', work], { env });
  await writeFile(join(work, 'peerings.yaml'), content);
  git('add', '-A');
  git('commit', '-q', '-m', 'ring');
  git('push', '-q', join(root, 'mesh.git'), 'HEAD:refs/heads/main');
}

/** One world: a sandbox of the ring, Git, the SCM stand-in, and the topology applied once. */
interface World {
  readonly sandbox: Sandbox;
  readonly config: ServeConfig;
  readonly runs: RedisRunStore;
  readonly health: HealthStore;
  serve: RunningServe;
  restart(overrides: Partial<ServeConfig>): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function startBenchWorld(clusters: number, redisUrl: string): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'meshpeer-bench-drift-'));
  const parsed = parseTopology(ringYaml(clusters), 'peerings.yaml');
  if (!parsed.ok) throw new Error('bench topology must be valid');
  const base = sandboxConfigFromTopology(parsed.topology);
  // Short heartbeats and controller resyncs, as the e2e world uses (test/e2e/e2e-fixture.ts).
  const sandbox = await Sandbox.start({
    config: { ...base, consul: { ...base.consul, heartbeatIntervalMs: 200 }, controllers: { resyncMs: 500 } },
    dir: join(root, 'sandbox'),
    persist: false,
  });
  await gitRepo(root, ringYaml(clusters));
  const git = await startGitHttpServer({ projectRoot: root, auth: { password: TOKEN } });
  const api = await startScmStandIn({ githubToken: TOKEN });
  const config = benchServeConfig({
    repoUrl: git.repoUrl('mesh'),
    scmApiUrl: api.url,
    redisUrl,
    root,
    repo: REPO,
    token: TOKEN,
    webhookSecret: 'bench-drift-secret',
    queuePrefix: 'bench-drift',
  });
  const redis = clientConnection(redisUrl);
  const world: World = {
    sandbox,
    config,
    runs: new RedisRunStore(redis, config.queuePrefix),
    health: new HealthStore(redis, config.queuePrefix),
    // The default retry policy and check jitter, as `meshpeer serve` runs them.
    serve: await startServe(config, () => {}, { pollJitterMs: 0 }),
    async restart(overrides) {
      await world.serve.close();
      world.serve = await startServe({ ...config, ...overrides }, () => {}, { pollJitterMs: 0 });
    },
    async stop() {
      await world.serve.close();
      redis.disconnect();
      await Promise.allSettled([sandbox.stop(), git.stop(), api.stop()]);
      await rm(root, { recursive: true, force: true });
    },
  };
  await world.serve.poller?.pollNow(config.targets[0]?.target ?? '');
  const first = await waitFor(
    async () => (await world.runs.list(5)).find((r) => r.status !== 'running'),
    'run',
  );
  if (first.status !== 'succeeded') throw new Error(`the first run ${first.status}: ${first.failure}`);
  return world;
}

/** Part (a): [first check ms, timed check ms list]; every check must find the clusters in sync. */
async function checkCost(world: World): Promise<[number, number[]]> {
  const once = async () => {
    const started = performance.now();
    const outcome = await world.serve.reconciler.checkNow();
    const elapsed = performance.now() - started;
    if (outcome.result !== 'in-sync')
      throw new Error(`check ${outcome.result}: ${outcome.reasons.join('; ')}`);
    return elapsed;
  };
  const first = await once();
  const timed: number[] = [];
  for (let i = 0; i < SAMPLES; i++) timed.push(await once());
  return [first, timed];
}

/** Part (b), one sample: ms from the deletion to unhealthy, to the drift run recorded, to healthy. */
interface DriftSample {
  readonly unhealthy: number;
  readonly recorded: number;
  readonly healthy: number;
  readonly repairRun: number;
}

/**
 * Deletes the peering and times the repair. A check records the time it started as observedAt, so
 * the check that notices the deletion may have begun just before it: detection is the first
 * unhealthy entry newer than the last healthy one.
 */
async function driftSample(world: World): Promise<DriftSample> {
  const { health, runs, config } = world;
  const peering = async () =>
    (await health.get(config.targets[0]?.target ?? '')).find((h) => h.id === PEERING);
  await waitFor(async () => {
    const busy = (await runs.list(5)).some((r) => r.status === 'running');
    return !busy && (await peering())?.state === 'healthy' ? true : undefined;
  }, 'a healthy peering and no run');
  // A random phase against the check schedule, as a real deletion would have.
  await sleep(Math.random() * INTERVAL);
  const healthySince = Date.parse((await peering())?.observedAt ?? '');
  const before = Date.now();
  const t0 = performance.now();
  await world.sandbox.stack('cluster-02').consul.faults.deletePeering('cluster-01');
  let unhealthy: number | undefined;
  let recorded: number | undefined;
  let run: RunRecord | undefined;
  const outcome = await waitFor(async () => {
    const h = await peering();
    if (
      unhealthy === undefined &&
      h !== undefined &&
      h.state !== 'healthy' &&
      Date.parse(h.observedAt) > healthySince
    )
      unhealthy = performance.now() - t0;
    if (recorded === undefined) {
      run = (await runs.list(5)).find((r) => r.trigger.kind === 'drift' && Date.parse(r.startedAt) >= before);
      if (run !== undefined) recorded = performance.now() - t0;
    }
    if (unhealthy === undefined || recorded === undefined || run === undefined) return undefined;
    if (!(h?.state === 'healthy' && Date.parse(h.observedAt) > Date.parse(run.startedAt))) return;
    return { run, unhealthy, recorded, healthy: performance.now() - t0 };
  }, 'the peering repaired');
  const done = await waitFor(async () => {
    const r = await runs.get(outcome.run.id);
    return r !== undefined && r.status !== 'running' ? r : undefined;
  }, 'the drift run to finish');
  if (process.env.BENCH_DEBUG)
    console.log(
      done.steps.map((st) => `${st.id} ${st.status} ${st.attempts}x ${st.durationMs}ms`).join('\n'),
    );
  if (done.status !== 'succeeded') throw new Error(`drift run ${done.status}: ${done.failure}`);
  const repairRun = Date.parse(done.finishedAt ?? done.startedAt) - Date.parse(done.startedAt);
  return { unhealthy: outcome.unhealthy, recorded: outcome.recorded, healthy: outcome.healthy, repairRun };
}

/** SAMPLES repairs, one after another on the same world. */
async function driftSamples(world: World): Promise<DriftSample[]> {
  const samples: DriftSample[] = [];
  while (samples.length < SAMPLES) samples.push(await driftSample(world));
  return samples;
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;
const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
const mp = (xs: readonly number[]) => `${fmt(median(xs))} / ${fmt(percentile(xs, 95))}`;

async function main(): Promise<void> {
  const local = process.env.REDIS_URL ? undefined : await startLocalRedis();
  const redisUrl = process.env.REDIS_URL ?? (local?.url as string);
  console.log(`meshpeer serve continuous reconciliation; ${machine()}`);
  console.log(
    'Sandbox Consul heartbeats every 200 ms and controller resyncs every 500 ms (as the e2e world).',
  );
  const checks: string[] = [];
  const drifts: string[] = [];
  try {
    for (const clusters of [...new Set([...SIZES, ...DRIFT_SIZES])].sort((a, b) => a - b)) {
      const world = await startBenchWorld(clusters, redisUrl);
      try {
        const peerings = peeringCount(clusters);
        const [first, timed] = await checkCost(world);
        if (SIZES.includes(clusters))
          checks.push(
            row([
              clusters,
              peerings,
              fmt(first),
              mp(timed),
              fmt(median(timed) / peerings),
              fmt(Math.max(...timed)),
            ]),
          );
        if (!DRIFT_SIZES.includes(clusters)) continue;
        await world.restart({ reconcileIntervalMs: INTERVAL });
        const samples = await driftSamples(world);
        const pick = (k: keyof DriftSample) => samples.map((s) => s[k]);
        const check = median(timed);
        const expected = INTERVAL / 2 + JITTER / 2 + check;
        // The expectation is a mean (a uniform wait for the next check), so it is compared with the mean.
        const detect = pick('unhealthy').reduce((a, b) => a + b, 0) / samples.length;
        drifts.push(
          row([
            clusters,
            peerings,
            mp(pick('unhealthy')),
            fmt(detect),
            mp(pick('recorded')),
            mp(pick('healthy')),
            mp(pick('repairRun')),
            (detect / INTERVAL).toFixed(2),
            `${fmt(expected)} (${(detect / expected).toFixed(2)})`,
          ]),
        );
      } finally {
        await world.stop();
      }
    }
  } finally {
    await local?.stop();
  }
  console.log(`\n(a) one periodic check (checkNow), ${SAMPLES} timed checks after one untimed first check`);
  console.log(row(['clusters', 'peerings', 'first check', 'check: median / p95', 'per peering', 'max']));
  console.log(row(['---', '---', '---', '---', '---', '---']));
  for (const line of checks) console.log(line);
  console.log(
    `\n(b) peering deleted on the dialer side; interval ${INTERVAL} ms, jitter up to ${JITTER} ms, self-heal on, ${SAMPLES} samples; times from the deletion (median / p95)`,
  );
  console.log(
    row([
      'clusters',
      'peerings',
      'unhealthy',
      'unhealthy: mean',
      'drift run recorded',
      'healthy again',
      'drift run duration',
      'mean detection / interval',
      'expected mean (measured / expected)',
    ]),
  );
  console.log(row(Array(9).fill('---')));
  for (const line of drifts) console.log(line);
  console.log('expected mean detection = interval / 2 + jitter / 2 + one check (median of (a))');
}

await main();
