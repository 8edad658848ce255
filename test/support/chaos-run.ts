/**
 * A chaos run: a stream of commits (peerings and exports changing) requested as runs while workers
 * are SIGKILLed, Redis restarts once, Kubernetes API faults change, Consul streams drop and a
 * peering is deleted behind meshpeer's back; then the faults stop, the last commit is requested
 * once more, and the end state is checked. Used by `npm run chaos` and the chaos smoke test.
 */
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { checkState, type StateReport } from './chaos-checks.ts';
import { type ChaosEnv, chaosTopology, startChaosEnv } from './chaos-env.ts';
import { FaultInjector, type FaultKind } from './chaos-faults.ts';
import { RunLedger, type RunsReport } from './chaos-ledger.ts';
import { type ChaosRevision, chaosRevision, chaosYaml, seededRandom } from './chaos-topology.ts';

/** How hard and how long to shake. */
export interface ChaosOptions {
  readonly clusters: number;
  readonly workers: number;
  readonly durationMs: number;
  readonly seed: number;
  /** Job lock duration of the workers: how long a killed worker's job waits to be taken over. */
  readonly lockDurationMs: number;
  /** Mean interval between commits, worker kills, fault changes and stream drops. */
  readonly every: { commitMs: number; killMs: number; kubeFaultMs: number; dropMs: number };
  /** How long the final run may take, per attempt. */
  readonly finalTimeoutMs: number;
  readonly log?: (line: string) => void;
  /** Keep the temporary directory (worker logs, kubeconfig) for inspection. */
  readonly keepDir?: boolean;
}

/** What the run did and found. */
export interface ChaosReport {
  readonly options: ChaosOptions;
  readonly dir: string;
  readonly commits: number;
  readonly faults: ReadonlyMap<FaultKind, number>;
  readonly runs: RunsReport;
  readonly final: { status: string; attempts: number; convergenceMs: number; failure?: string };
  readonly leftoverJobs: number;
  readonly planConverged: boolean;
  readonly state: StateReport;
  readonly problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Calls `fn` at random intervals around `meanMs` until `endAt`; errors are logged, never fatal. */
async function every(
  meanMs: number,
  endAt: number,
  fn: () => Promise<void> | void,
  log: (l: string) => void,
) {
  for (;;) {
    const wait = meanMs * (0.5 + Math.random());
    if (Date.now() + wait >= endAt) return;
    await sleep(wait);
    await Promise.resolve()
      .then(fn)
      .catch((err: unknown) => log(`fault or commit failed: ${String(err)}`));
  }
}

interface Stream {
  latest: ChaosRevision;
  latestYaml: string;
  commits: number;
}

/** The commit stream and the fault loops, until the chaos phase ends. */
async function shake(
  env: ChaosEnv,
  o: ChaosOptions,
  ledger: RunLedger,
  faults: FaultInjector,
  stream: Stream,
) {
  const log = o.log ?? (() => {});
  const random = seededRandom(o.seed);
  const start = Date.now();
  const endAt = start + o.durationMs;
  const at = () => `t+${Math.round((Date.now() - start) / 1000)}s`;
  const commit = async () => {
    const rev = chaosRevision(env.clusters, stream.commits, random);
    const yaml = chaosYaml(env.clusters, rev);
    await ledger.request(`rev-${rev.index}`, 'peerings.yaml', yaml);
    Object.assign(stream, { latest: rev, latestYaml: yaml, commits: stream.commits + 1 });
    log(`${at()} commit rev-${rev.index}: ${rev.peerings.length} peerings, ${rev.exports.size} exports`);
  };
  await commit();
  const once = async (fraction: number, fn: () => Promise<void>, what: string) => {
    await sleep(o.durationMs * fraction);
    await fn().catch((err: unknown) => log(`${what} failed: ${String(err)}`));
    log(`${at()} ${what}`);
  };
  await Promise.all([
    every(o.every.commitMs, endAt, commit, log),
    every(
      o.every.killMs,
      endAt,
      () => faults.killWorker().then(() => log(`${at()} worker killed and replaced`)),
      log,
    ),
    every(o.every.kubeFaultMs, endAt, () => faults.shuffleKubeFaults(), log),
    every(o.every.dropMs, endAt, () => faults.dropStreams(), log),
    once(0.3, () => faults.deletePeering(), 'peering deleted behind meshpeer'),
    once(0.5, () => faults.restartRedis(), 'redis restarted'),
    once(0.7, () => faults.deletePeering(), 'peering deleted behind meshpeer'),
  ]);
}

/** Faults off; the last commit requested again until it succeeds (at most three times). */
async function settle(env: ChaosEnv, o: ChaosOptions, ledger: RunLedger, stream: Stream) {
  const started = Date.now();
  await env.workers.fill();
  let attempts = 0;
  let last: { status: string; failure?: string } = { status: 'not finished' };
  while (attempts < 3 && last.status !== 'succeeded') {
    attempts++;
    const runId = await ledger.request(`rev-${stream.latest.index}`, 'peerings.yaml', stream.latestYaml);
    const record = await ledger.finished(env.store, runId, o.finalTimeoutMs);
    last = record === undefined ? { status: 'not finished' } : record;
    o.log?.(`final request ${attempts}: ${last.status}${last.failure ? ` (${last.failure})` : ''}`);
  }
  const convergenceMs = Date.now() - started;
  return { ...last, attempts, convergenceMs };
}

/** Waits (bounded) until no step or run job is left in the queues; returns how many are left. */
async function drained(env: ChaosEnv, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const states = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;
  for (;;) {
    const [steps, runs] = await Promise.all([
      env.queues.steps.getJobCounts(...states),
      env.queues.runs.getJobCounts(...states),
    ]);
    const left = [...Object.values(steps), ...Object.values(runs)].reduce((a, b) => a + b, 0);
    if (left === 0 || Date.now() > deadline) return left;
    await sleep(500);
  }
}

/** Checks the end state, polling (bounded) while deletions and reconnects finish. */
async function endState(env: ChaosEnv, yaml: string, timeoutMs: number) {
  const topology = chaosTopology(yaml);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await checkState(env.sandbox, topology);
    const clean = [state.missing, state.orphans, state.duplicates, state.tokenReuse, state.notActive].every(
      (l) => l.length === 0,
    );
    if (clean || Date.now() > deadline) {
      const { plan } = await planTopology(
        topology,
        kubeClusterAccess({ overrides: { kubeconfig: env.kubeconfig } }).clients(topology.clusters),
      );
      return { state, planConverged: plan.converged };
    }
    await sleep(1000);
  }
}

function problemsOf(r: Omit<ChaosReport, 'problems' | 'options' | 'dir'>): string[] {
  const p: string[] = [];
  if (r.final.status !== 'succeeded') p.push(`final run ${r.final.status}: ${r.final.failure ?? ''}`);
  if (!r.planConverged) p.push('a fresh plan still has work to do');
  const { reasons: _informational, ...runs } = r.runs;
  for (const [name, list] of Object.entries({ ...r.state, ...runs })) {
    if (Array.isArray(list) && list.length > 0) p.push(`${name}: ${list.slice(0, 10).join('; ')}`);
  }
  return p;
}

/** Runs the whole chaos scenario and reports; never throws for a failed check (see `problems`). */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const env = await startChaosEnv(o);
  const log = o.log ?? (() => {});
  log(`sandbox of ${o.clusters} clusters, ${o.workers} workers, redis ${env.redis.url}, dir ${env.dir}`);
  try {
    const ledger = new RunLedger(env.queues, 'chaos');
    const stream: Stream = { latest: chaosRevision(env.clusters, 0, () => 0), latestYaml: '', commits: 0 };
    const faults = new FaultInjector({
      sandbox: env.sandbox,
      clusters: env.clusters,
      workers: env.workers,
      redis: env.redis,
      peerings: () => stream.latest.peerings,
      random: Math.random,
      log,
    });
    await shake(env, o, ledger, faults, stream);
    faults.clearAll();
    log('faults stopped; requesting the last commit again');
    const final = await settle(env, o, ledger, stream);
    const leftoverJobs = await drained(env, 180_000);
    const { state, planConverged } = await endState(env, stream.latestYaml, 60_000);
    const runs = await ledger.report(env.store);
    const body = {
      commits: stream.commits,
      faults: faults.counts,
      runs,
      final,
      leftoverJobs,
      planConverged,
      state,
    };
    return { options: o, dir: env.dir, ...body, problems: problemsOf(body) };
  } finally {
    await env.stop({ keepDir: o.keepDir === true });
  }
}
