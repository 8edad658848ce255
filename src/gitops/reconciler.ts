/**
 * Continuous reconciliation: a BullMQ Job Scheduler per target (one pending check at a time,
 * idempotent across restarts and replicas) whose worker checks the clusters against the desired
 * revision on an interval, records live peering health and the result, and with self-heal asks
 * for a run when a run would repair something (reason `drift`). The desired revision is the newest
 * commit seen on the branch (the applied one until a commit is seen). A check is skipped while a
 * run of the target is queued or running, which re-verifies anyway; while a failed run's retry
 * waits, the check still records health but leaves the repair to the retry.
 */
import { type Job, Queue, Worker } from 'bullmq';
import { bullConnection, releaseBullConnection } from '../io/redis-connection.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import { QUEUE_PREFIX, safeJobId } from '../run/queues.ts';
import type { RunStore } from '../run/run-record.ts';
import { latestRequest } from '../run/run-requests.ts';
import type { StepContext } from '../steps/step-context.ts';
import type { Topology } from '../topology/index.ts';
import { desiredTopologyAt } from './desired-topology.ts';
import { checkDrift } from './drift-check.ts';
import type { GitSources } from './git-source-loader.ts';
import type { HealthStore, HealthTransition } from './health-store.ts';
import { pruneJobSchedulers } from './job-schedulers.ts';
import type { ReconcileState } from './reconcile-state.ts';
import type { RevisionStore } from './revision-store.ts';
import { requestSync, type SyncDeps } from './sync-request.ts';
import type { TrackedRepo } from './tracked-repo.ts';

/** The BullMQ queue of periodic checks. */
export const CHECKS_QUEUE = 'checks';

/** How one check ended. */
export interface CheckOutcome {
  readonly target: string;
  readonly result: 'in-sync' | 'drift' | 'error' | 'skipped';
  readonly revision?: string;
  readonly reasons: readonly string[];
  /** The run self-heal requested. */
  readonly runId?: string;
  readonly transitions: readonly HealthTransition[];
  readonly durationMs: number;
}

/** Cluster access for one topology. */
export interface TopologyAccess {
  readonly clients: (install: string) => ClusterClient;
  readonly consul: StepContext['consul'];
}

/** What the reconciler reads and writes. */
export interface ReconcilerOptions {
  readonly redisUrl: string;
  readonly prefix?: string;
  /** The targets to check, each on its own schedule. */
  readonly repos: readonly TrackedRepo[];
  readonly sources: GitSources;
  readonly sync: SyncDeps;
  readonly revisions: RevisionStore;
  readonly runs: RunStore;
  readonly health: HealthStore;
  readonly state: ReconcileState;
  readonly connect: (topology: Topology) => TopologyAccess;
  readonly intervalMs: number;
  /** Upper bound of the random delay before each check (default: a tenth of the interval, at most 30 s). */
  readonly jitterMs?: number;
  readonly selfHeal: boolean;
  readonly observeTimeoutMs?: number;
  readonly onCheck?: (outcome: CheckOutcome) => void;
}

/** A running reconciler. */
export interface Reconciler {
  /** Checks a target now (default: the first), outside the schedule (tests, `POST /api/refresh`-style use). */
  checkNow(target?: string): Promise<CheckOutcome>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runInFlight(options: ReconcilerOptions, target: string): Promise<boolean> {
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const request = await latestRequest(options.sync.redis, target, prefix);
  if (request === undefined) return false;
  const record = await options.runs.get(request.runId);
  // No record yet: the request waits in the queue.
  return record === undefined || record.status === 'running';
}

/** One check of a target. */
async function check(options: ReconcilerOptions, repo: TrackedRepo): Promise<CheckOutcome> {
  const started = Date.now();
  const target = repo.target;
  const end = (
    o: Omit<CheckOutcome, 'target' | 'durationMs' | 'transitions'> & {
      transitions?: readonly HealthTransition[];
    },
  ) => ({ target, transitions: [], ...o, durationMs: Date.now() - started }) satisfies CheckOutcome;
  const revisions = await options.revisions.get(target);
  const revision = revisions.seen ?? revisions.applied;
  if (revision === undefined) return end({ result: 'skipped', reasons: ['no commit seen yet'] });
  if (await runInFlight(options, target))
    return end({ result: 'skipped', revision, reasons: ['a run is in progress'] });
  const next = options.intervalMs > 0 ? new Date(Date.now() + options.intervalMs).toISOString() : undefined;
  const desired = await desiredTopologyAt(options.sources, repo, revision);
  if ('error' in desired) {
    await options.state.recordCheck(
      target,
      { at: new Date().toISOString(), result: 'error', reasons: [desired.error] },
      next,
    );
    return end({ result: 'error', revision, reasons: [desired.error] });
  }
  const access = options.connect(desired.topology);
  const report = await checkDrift(desired.topology, {
    clients: access.clients,
    consul: access.consul,
    ...(options.observeTimeoutMs !== undefined && { observeTimeoutMs: options.observeTimeoutMs }),
    // The check plans the way this service's runs do.
    strict: options.sync.strict === true,
  });
  const ids = desired.topology.peerings.map((p) => p.id);
  const transitions = await options.health.record(
    target,
    report.health.map((h) => ({ ...h, revision })),
    ids,
  );
  await options.state.recordCheck(
    target,
    { at: new Date().toISOString(), result: report.result, reasons: report.reasons },
    next,
  );
  if (report.result === 'in-sync') return end({ result: 'in-sync', revision, reasons: [], transitions });
  // Looked at again after the check: a run or a retry may have been requested meanwhile.
  const heal =
    options.selfHeal &&
    report.repairable &&
    !(await options.state.retryPending(target)) &&
    !(await runInFlight(options, target));
  const runId = heal
    ? await requestSync(options.sync, repo, revision, {
        kind: 'drift',
        reasons: report.reasons.slice(0, 20),
      })
    : undefined;
  return end({
    result: 'drift',
    revision,
    reasons: report.reasons,
    transitions,
    ...(runId !== undefined && { runId }),
  });
}

/** Upserts each target's check scheduler (or removes it when the interval is 0) and starts the worker. */
export async function startReconciler(options: ReconcilerOptions): Promise<Reconciler> {
  const connection = bullConnection(options.redisUrl);
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const queue = new Queue(CHECKS_QUEUE, { connection, prefix });
  const jitter = options.jitterMs ?? Math.min(30_000, Math.floor(options.intervalMs / 10));
  // A slow check must not overlap the next of the same target; other targets go on in parallel.
  const checking = new Set<string>();
  const run = async (target?: string): Promise<CheckOutcome> => {
    const repo = target === undefined ? options.repos[0] : options.repos.find((r) => r.target === target);
    if (repo === undefined) throw new Error(`target ${target ?? '(none)'} is not checked here`);
    if (checking.has(repo.target))
      return {
        target: repo.target,
        result: 'skipped',
        reasons: ['a check is in progress'],
        transitions: [],
        durationMs: 0,
      };
    checking.add(repo.target);
    try {
      const outcome = await check(options, repo);
      options.onCheck?.(outcome);
      return outcome;
    } finally {
      checking.delete(repo.target);
    }
  };
  const ids = new Set<string>();
  if (options.intervalMs > 0)
    for (const repo of options.repos) {
      const schedulerId = safeJobId('check', repo.target);
      ids.add(schedulerId);
      await queue.upsertJobScheduler(
        schedulerId,
        { every: options.intervalMs },
        { name: 'check', data: { target: repo.target }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  // Targets no longer followed (or every target, with the check off) lose their schedulers.
  await pruneJobSchedulers(queue, ids);
  const worker = new Worker(
    CHECKS_QUEUE,
    async (job: Job) => {
      if (jitter > 0) await sleep(Math.floor(Math.random() * jitter));
      return run((job.data as { target: string }).target);
    },
    { connection, prefix, concurrency: Math.max(1, options.repos.length) },
  );
  await worker.waitUntilReady();
  return {
    checkNow: run,
    async close() {
      await worker.close();
      await queue.close();
      releaseBullConnection(connection);
    },
  };
}
