/**
 * The composition root of `meshpeer serve`: Git sources, queues, poller, plan worker, run
 * workers (unless disabled), the run-completion follower that publishes `meshpeer/apply`, and
 * the HTTP server. Everything here is wiring; the behaviour lives in src/gitops and src/server.
 */
import type { FastifyInstance } from 'fastify';
import { applyStatusFor } from '../gitops/apply-status.ts';
import type { HealthTransition } from '../gitops/health-store.ts';
import { peeringHealthFromRuns } from '../gitops/peering-health.ts';
import { type Poller, removePollSchedulers, startPoller } from '../gitops/poller.ts';
import { type CheckOutcome, type Reconciler, startReconciler } from '../gitops/reconciler.ts';
import { followRunCompletions } from '../gitops/run-completions.ts';
import { type RunRetries, startRunRetries } from '../gitops/run-retries.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
import { keyPrefixFor } from '../io/redis-endpoint.ts';
import { emitLog, type LogLine, type ServiceLogger, toServiceLogger } from '../io/service-logger.ts';
import type { RetryPolicy } from '../run/retry-policy.ts';
import { runEndLog } from '../run/run-log-fields.ts';
import type { RunRecord } from '../run/run-record.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { listenOn } from '../server/listen.ts';
import type { Metrics } from '../server/metrics.ts';
import type { Topology } from '../topology/index.ts';
import type { ServeConfig } from './serve-config.ts';
import { closeContext, observeAccess, openContext, type ServeContext } from './serve-context.ts';
import { createServeServer, loopbackUrl, metricsServer } from './serve-http.ts';
import { checkEvents, healthEvents, runEvents, send } from './serve-notifications.ts';
import { startServePlans } from './serve-pull-requests.ts';
import { startWorkers } from './start-workers.ts';

/** A running serve process. */
export interface RunningServe {
  /** The base URL the server listens on. */
  readonly url: string;
  readonly server: FastifyInstance;
  /** The followed targets, in configuration order. */
  readonly targets: readonly TrackedRepo[];
  readonly metrics: Metrics;
  /** The base URL of the metrics port, when `--metrics-port` is set. */
  readonly metricsUrl?: string;
  readonly poller?: Poller;
  readonly reconciler: Reconciler;
  /** Stops the server, poller, plan worker, run workers and queues, finishing active jobs. */
  close(): Promise<void>;
}

/** Cluster access for one periodic check: new clients each time, as the check has always had. */
function topologyAccess(ctx: ServeContext, topology: Topology) {
  const access = observeAccess(ctx);
  return {
    clients: access.clients(topology.clusters),
    consul: access.stepContext(topology.clusters, topology.acls).consul,
  };
}

/** A finished run's verifications are the newest health of the peerings it verified. */
async function recordRunHealth(
  ctx: ServeContext,
  repo: TrackedRepo,
  record: RunRecord,
): Promise<readonly HealthTransition[]> {
  const topology = await ctx.status.topologyAt(repo, record.revision);
  if (topology === undefined) return [];
  const observed = peeringHealthFromRuns([record]);
  return ctx.health.record(
    record.target,
    observed,
    topology.peerings.map((p) => p.id),
  );
}

function followRuns(ctx: ServeContext, retries: RunRetries) {
  const onRecord = async (record: RunRecord): Promise<void> => {
    const target = ctx.target(record.target);
    // Runs of targets other processes follow (another serve, `meshpeer apply`) are theirs to publish.
    if (target === undefined) return;
    ctx.metrics.recordRun(record);
    // In-process workers log their runs' ends; without them, this is the serve log's only record.
    if (!ctx.config.workers) emitLog(ctx.event, runEndLog(record));
    if (record.status === 'succeeded') await ctx.revisions.markApplied(record.target, record.revision);
    send(ctx.notifier, [
      ...runEvents(record),
      ...healthEvents(record.target, await recordRunHealth(ctx, target.repo, record)),
    ]);
    const retry = await retries.onRunFinished(record);
    if (retry.kind === 'scheduled')
      ctx.log(`run ${record.id} failed: retry ${retry.attempt} of ${ctx.config.retry.limit} at ${retry.at}`);
    if (retry.kind === 'exhausted')
      ctx.log(
        `run ${record.id} failed after ${retry.attempts} retries: no more automatic retries until a new commit, a sync or drift`,
      );
    const applyStatus = applyStatusFor(record, ctx.config.publicUrl);
    if (applyStatus !== undefined && target.publisher !== undefined)
      await target.publisher.setStatus(record.revision, applyStatus);
  };
  return followRunCompletions(ctx.config.redisUrl, ctx.config.queuePrefix, onRecord, (err) =>
    ctx.log(`publishing a run result failed: ${safeErrorMessage(err)}`),
  );
}

async function poll(ctx: ServeContext, jitterMs?: number): Promise<Poller | undefined> {
  const { config } = ctx;
  const repos = ctx.targets.map((t) => t.repo);
  if (config.pollIntervalMs <= 0) {
    await removePollSchedulers(config.redisUrl, config.queuePrefix);
    return undefined;
  }
  return startPoller({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    repos,
    sources: ctx.sources,
    sync: ctx.sync,
    intervalMs: config.pollIntervalMs,
    ...(jitterMs !== undefined && { jitterMs }),
    onPoll: (repo, outcome) => {
      ctx.metrics.recordPoll(outcome.result, repo.target);
      if (outcome.error !== undefined) ctx.log(`poll of ${repo.target} failed: ${outcome.error}`);
    },
  });
}

function reconcileLoop(ctx: ServeContext, jitterMs?: number): Promise<Reconciler> {
  const { config } = ctx;
  return startReconciler({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    repos: ctx.targets.map((t) => t.repo),
    sources: ctx.sources,
    sync: ctx.sync,
    revisions: ctx.revisions,
    runs: ctx.store,
    health: ctx.health,
    state: ctx.reconcile,
    connect: (topology) => topologyAccess(ctx, topology),
    intervalMs: config.reconcileIntervalMs,
    selfHeal: config.selfHeal,
    observeTimeoutMs: config.observeTimeoutMs,
    ...(jitterMs !== undefined && { jitterMs }),
    onCheck: (outcome: CheckOutcome) => {
      ctx.metrics.recordCheck(outcome.result, outcome.target);
      send(ctx.notifier, [
        ...healthEvents(outcome.target, outcome.transitions),
        ...checkEvents(outcome, config.selfHeal),
      ]);
      if (outcome.result === 'drift')
        ctx.log(
          `drift in ${outcome.target}: ${outcome.reasons.slice(0, 3).join('; ')}${outcome.runId ? `; self-heal requested run ${outcome.runId}` : config.selfHeal ? '' : ' (self-heal off: reported only)'}`,
        );
      if (outcome.result === 'error')
        ctx.log(`check of ${outcome.target} failed: ${outcome.reasons.join('; ')}`);
    },
  });
}

/** The HTTP and metrics ports, listening; when one cannot be had, `closeRest` closes what was started. */
async function listenOrClose(ctx: ServeContext, closeRest: () => Promise<void>) {
  const app = await createServeServer(ctx);
  try {
    const address = await listenOn(app, ctx.config.host, ctx.config.port, '--port (MESHPEER_PORT)');
    return { app, address, metricsPort: await metricsServer(ctx) };
  } catch (err) {
    await app.close();
    await closeRest();
    throw err;
  }
}

/** Tuning that is not user configuration: tests and benchmarks shorten retries and jitter. */
export interface ServeTuning {
  readonly policy?: RetryPolicy;
  readonly lockDurationMs?: number;
  readonly pollJitterMs?: number;
  readonly checkJitterMs?: number;
}

/**
 * Starts every part of the service and listens. `log` is the service logger (structured events
 * become JSON lines), or a plain line sink that also receives events as `name {json}` lines.
 */
export async function startServe(
  given: ServeConfig,
  log: LogLine | ServiceLogger,
  tuning: ServeTuning = {},
): Promise<RunningServe> {
  // A configuration built by hand (tests, embedding) may carry a Cluster URL with a plain prefix.
  const config = { ...given, queuePrefix: keyPrefixFor(given.redisUrl, given.queuePrefix) };
  const ctx = await openContext(config, toServiceLogger(log));
  const workers = config.workers
    ? await startWorkers({
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        queues: ctx.queues,
        overrides: ctx.overrides,
        loadSource: ctx.sources.load,
        stepConcurrency: config.stepConcurrency,
        events: ctx.event,
        ...(tuning.policy !== undefined && { policy: tuning.policy }),
        ...(tuning.lockDurationMs !== undefined && { lockDurationMs: tuning.lockDurationMs }),
      })
    : undefined;
  const plans = await startServePlans(ctx);
  const retries = await startRunRetries({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    sync: ctx.sync,
    state: ctx.reconcile,
    settings: config.retry,
    onRetry: (job, result) =>
      ctx.log(
        result.runId === undefined
          ? `retry ${job.attempt} of run ${job.of} dropped: ${result.skipped}`
          : `retry ${job.attempt} of run ${job.of}: requested run ${result.runId}`,
      ),
  });
  const completions = await followRuns(ctx, retries);
  const poller = await poll(ctx, tuning.pollJitterMs);
  const reconciler = await reconcileLoop(ctx, tuning.checkJitterMs);
  const close = async () => {
    // Stop the producers first, then the workers, then the connections.
    await poller?.close();
    await reconciler.close();
    await retries.close();
    await plans.close();
    await workers?.close();
    await completions.close();
    await closeContext(ctx);
  };
  // A port that cannot be had ends start-up with one line, everything started closed again.
  const { app, address, metricsPort } = await listenOrClose(ctx, close);
  return {
    url: loopbackUrl(address),
    server: app,
    targets: ctx.targets.map((t) => t.repo),
    metrics: ctx.metrics,
    ...(metricsPort !== undefined && { metricsUrl: metricsPort.url }),
    ...(poller !== undefined && { poller }),
    reconciler,
    async close() {
      // Stop taking requests first.
      await app.close();
      await metricsPort?.app.close();
      await close();
    },
  };
}
