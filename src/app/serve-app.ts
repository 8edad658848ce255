/**
 * The composition root of `meshpeer serve`: Git sources, queues, poller, plan worker, run
 * workers (unless disabled), the run-completion follower that publishes `meshpeer/apply`, and
 * the HTTP server. Everything here is wiring; the behaviour lives in src/gitops and src/server.
 */
import type { FastifyInstance } from 'fastify';
import { applyStatusFor } from '../gitops/apply-status.ts';
import type { HealthTransition } from '../gitops/health-store.ts';
import { peeringHealthFromRuns } from '../gitops/peering-health.ts';
import { type PlanOutcome, planPullRequest } from '../gitops/plan-pull-request.ts';
import { enqueuePlan, startPlanWorker } from '../gitops/plan-queue.ts';
import { type Poller, removePollSchedulers, startPoller } from '../gitops/poller.ts';
import { type CheckOutcome, type Reconciler, startReconciler } from '../gitops/reconciler.ts';
import { followRunCompletions } from '../gitops/run-completions.ts';
import { type RunRetries, startRunRetries } from '../gitops/run-retries.ts';
import { runSummary } from '../gitops/status-snapshot.ts';
import type { PlanPrEvent, SyncEvent } from '../gitops/sync-event.ts';
import { requestSyncAt, requestSyncAtHead } from '../gitops/sync-request.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
import { keyPrefixFor } from '../io/redis-endpoint.ts';
import { emitLog, type LogLine, type ServiceLogger, toServiceLogger } from '../io/service-logger.ts';
import type { RetryPolicy } from '../run/retry-policy.ts';
import { runEndLog } from '../run/run-log-fields.ts';
import type { RunRecord } from '../run/run-record.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { createMetricsServer } from '../server/auth/create-metrics-server.ts';
import { createServer } from '../server/create-server.ts';
import type { Metrics } from '../server/metrics.ts';
import { createRedisDeliveryLog } from '../server/webhooks/redis-delivery-log.ts';
import type { Topology } from '../topology/index.ts';
import { kubeClusterAccess } from './cluster-access.ts';
import type { ServeConfig } from './serve-config.ts';
import { openContext, type ServeContext, type TargetContext } from './serve-context.ts';
import { planPrLog, webhookLog } from './serve-log-fields.ts';
import { checkEvents, healthEvents, runEvents, send } from './serve-notifications.ts';
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

/** Kubernetes access with serve's observation deadline. */
function observeAccess(ctx: ServeContext) {
  return kubeClusterAccess({ overrides: ctx.overrides, timeoutMs: ctx.config.observeTimeoutMs });
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

/** Plans a pull request for one target: the comment, status and check run of that target. */
async function planTarget(
  ctx: ServeContext,
  target: TargetContext,
  event: PlanPrEvent,
): Promise<PlanOutcome> {
  const { config, metrics } = ctx;
  const { repo, publisher } = target;
  const started = Date.now();
  if (publisher === undefined) {
    const outcome = { result: 'error' as const, sha: event.headSha, error: 'no token' };
    emitLog(ctx.event, planPrLog(event, outcome, Date.now() - started));
    return outcome;
  }
  const outcome = await planPullRequest(event, {
    source: ctx.sources.source(repo.url, repo.branch),
    path: repo.path,
    publisher,
    clients: (topology) => observeAccess(ctx).clients(topology.clusters),
    observeTimeoutMs: config.observeTimeoutMs,
    ...(config.strict === true && { strict: true }),
    ...(config.publicUrl !== undefined && { targetUrl: config.publicUrl }),
  });
  metrics.recordPlan(outcome.result, repo.target);
  emitLog(ctx.event, planPrLog(event, outcome, Date.now() - started));
  return outcome;
}

/** The targets an event is for: the same repository (case-insensitively, as webhooks match) and branch. */
function targetsOf(ctx: ServeContext, repo: string, branch: string): TargetContext[] {
  return ctx.targets.filter(
    (t) => t.repo.repo.toLowerCase() === repo.toLowerCase() && t.repo.branch === branch,
  );
}

/** A pull request against a branch several targets follow is planned once per target; a transient error wins. */
function planWorker(ctx: ServeContext) {
  return startPlanWorker({
    redisUrl: ctx.config.redisUrl,
    prefix: ctx.config.queuePrefix,
    redis: ctx.queues.redis,
    plan: async (event: PlanPrEvent) => {
      const outcomes: PlanOutcome[] = [];
      for (const target of targetsOf(ctx, event.repo, event.baseRef))
        outcomes.push(await planTarget(ctx, target, event));
      return (
        outcomes.find((o) => o.transient === true) ??
        outcomes.find((o) => o.result !== 'planned') ??
        outcomes[0] ?? { result: 'error', sha: event.headSha, error: 'no target follows this branch' }
      );
    },
  });
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
    await removePollSchedulers(config.redisUrl, repos, config.queuePrefix);
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

/** Thrown for a sync the request itself got wrong; the server answers with its status code. */
class SyncRefused extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The target a sync names, or the only one; several targets need a name. */
function syncTarget(ctx: ServeContext, name: string | undefined): TargetContext {
  const names = ctx.targets.map((t) => t.repo.target).join(', ');
  if (name === undefined) {
    const [only, ...others] = ctx.targets;
    if (only !== undefined && others.length === 0) return only;
    throw new SyncRefused(400, `this serve follows several targets; name one with --target: ${names}`);
  }
  const target = ctx.target(name);
  if (target === undefined) throw new SyncRefused(404, `no target "${name}" here; the targets are: ${names}`);
  return target;
}

/** A push requests a run of every target following the pushed branch, each coalesced on its own. */
async function syncPushed(ctx: ServeContext, event: SyncEvent): Promise<void> {
  const trigger = { kind: 'webhook' as const, provider: event.provider, deliveryId: event.deliveryId };
  for (const { repo } of targetsOf(ctx, event.repo, event.branch))
    await requestSyncAt(ctx.sync, repo, event.sha, trigger);
}

function server(ctx: ServeContext): Promise<FastifyInstance> {
  const { config, queues, status } = ctx;
  return createServer({
    webhooks: {
      secrets: { [config.provider]: config.webhookSecrets },
      targets: ctx.targets.map(({ repo }) => ({ repo: repo.repo, branch: repo.branch })),
      deliveries: createRedisDeliveryLog(queues.redis, { prefix: `${config.queuePrefix}:webhook-delivery:` }),
      enqueue: async (event) => {
        if (event.kind === 'sync') await syncPushed(ctx, event);
        else if (targetsOf(ctx, event.repo, event.baseRef).some((t) => t.publisher !== undefined))
          await enqueuePlan(queues.redis, ctx.plans.queue, event);
      },
      onOutcome: (provider, reason) => ctx.metrics.recordWebhook(provider, reason),
      onDecision: (decision) => emitLog(ctx.event, webhookLog(decision)),
    },
    metrics: ctx.metrics,
    readiness: status.readiness,
    status: status.snapshot,
    run: (id) => ctx.store.get(id),
    runs: (options) => ctx.store.list(options.limit ?? 20, options.target).then((r) => r.map(runSummary)),
    sync: async (via, name) => {
      const { repo } = syncTarget(ctx, name);
      return requestSyncAtHead(ctx.sync, repo, ctx.sources.source(repo.url, repo.branch), {
        kind: 'sync',
        via,
      });
    },
    auth: {
      config: config.uiAuth,
      options: {
        onDenied: (reason) => ctx.metrics.recordUiAuthDenied(reason),
        serveMetrics: config.metricsPort === undefined,
      },
    },
    log: ctx.log,
  });
}

/** `/metrics` on its own port without credentials, when `--metrics-port` is set. */
async function metricsServer(ctx: ServeContext): Promise<{ app: FastifyInstance; url: string } | undefined> {
  const { metricsPort, host } = ctx.config;
  if (metricsPort === undefined) return undefined;
  const app = await createMetricsServer(ctx.metrics, { log: ctx.log });
  return { app, url: loopbackUrl(await app.listen({ host, port: metricsPort })) };
}

/** A listen address a local client can use (tests and the startup line). */
const loopbackUrl = (address: string) => address.replace('0.0.0.0', '127.0.0.1');

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
  const plans = await planWorker(ctx);
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
  const app = await server(ctx);
  const address = await app.listen({ host: config.host, port: config.port });
  const metricsPort = await metricsServer(ctx);
  return {
    url: loopbackUrl(address),
    server: app,
    targets: ctx.targets.map((t) => t.repo),
    metrics: ctx.metrics,
    ...(metricsPort !== undefined && { metricsUrl: metricsPort.url }),
    ...(poller !== undefined && { poller }),
    reconciler,
    async close() {
      // Stop taking requests first, then the producers, then the workers, then the connections.
      await app.close();
      await metricsPort?.app.close();
      await poller?.close();
      await reconciler.close();
      await retries.close();
      await plans.close();
      await workers?.close();
      await completions.close();
      await ctx.notifier?.close();
      await ctx.plans.close();
      await ctx.queues.close();
    },
  };
}
