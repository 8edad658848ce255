/**
 * The composition root of `meshpeer serve`: Git sources, queues, poller, plan worker, run
 * workers (unless disabled), the run-completion follower that publishes `meshpeer/apply`, and
 * the HTTP server. Everything here is wiring; the behaviour lives in src/gitops and src/server.
 */
import type { FastifyInstance } from 'fastify';
import { applyStatusFor } from '../gitops/apply-status.ts';
import type { HealthTransition } from '../gitops/health-store.ts';
import { peeringHealthFromRuns } from '../gitops/peering-health.ts';
import { planPullRequest } from '../gitops/plan-pull-request.ts';
import { enqueuePlan, startPlanWorker } from '../gitops/plan-queue.ts';
import { type Poller, removePollSchedulers, startPoller } from '../gitops/poller.ts';
import { type CheckOutcome, type Reconciler, startReconciler } from '../gitops/reconciler.ts';
import { followRunCompletions } from '../gitops/run-completions.ts';
import { type RunRetries, startRunRetries } from '../gitops/run-retries.ts';
import type { PlanPrEvent } from '../gitops/sync-event.ts';
import { requestSyncAt, requestSyncAtHead } from '../gitops/sync-request.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
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
import { openContext, type ServeContext } from './serve-context.ts';
import { planPrLog, webhookLog } from './serve-log-fields.ts';
import { checkEvents, healthEvents, runEvents, send } from './serve-notifications.ts';
import { startWorkers } from './start-workers.ts';

/** A running serve process. */
export interface RunningServe {
  /** The base URL the server listens on. */
  readonly url: string;
  readonly server: FastifyInstance;
  readonly repo: TrackedRepo;
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
async function recordRunHealth(ctx: ServeContext, record: RunRecord): Promise<readonly HealthTransition[]> {
  const topology = await ctx.status.topologyAt(record.revision);
  if (topology === undefined) return [];
  const observed = peeringHealthFromRuns([record]);
  return ctx.health.record(
    record.target,
    observed,
    topology.peerings.map((p) => p.id),
  );
}

function planWorker(ctx: ServeContext) {
  const { config, repo, publisher, metrics } = ctx;
  return startPlanWorker({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    redis: ctx.queues.redis,
    plan: async (event: PlanPrEvent) => {
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
      metrics.recordPlan(outcome.result);
      emitLog(ctx.event, planPrLog(event, outcome, Date.now() - started));
      return outcome;
    },
  });
}

function followRuns(ctx: ServeContext, retries: RunRetries) {
  const onRecord = async (record: RunRecord): Promise<void> => {
    ctx.metrics.recordRun(record);
    if (record.target !== ctx.repo.target) return;
    // In-process workers log their runs' ends; without them, this is the serve log's only record.
    if (!ctx.config.workers) emitLog(ctx.event, runEndLog(record));
    if (record.status === 'succeeded') await ctx.revisions.markApplied(ctx.repo.target, record.revision);
    send(ctx.notifier, [
      ...runEvents(record),
      ...healthEvents(record.target, await recordRunHealth(ctx, record)),
    ]);
    const retry = await retries.onRunFinished(record);
    if (retry.kind === 'scheduled')
      ctx.log(`run ${record.id} failed: retry ${retry.attempt} of ${ctx.config.retry.limit} at ${retry.at}`);
    if (retry.kind === 'exhausted')
      ctx.log(
        `run ${record.id} failed after ${retry.attempts} retries: no more automatic retries until a new commit, a sync or drift`,
      );
    const applyStatus = applyStatusFor(record, ctx.config.publicUrl);
    if (applyStatus !== undefined && ctx.publisher !== undefined)
      await ctx.publisher.setStatus(record.revision, applyStatus);
  };
  return followRunCompletions(ctx.config.redisUrl, ctx.config.queuePrefix, onRecord, (err) =>
    ctx.log(`publishing a run result failed: ${safeErrorMessage(err)}`),
  );
}

async function poll(ctx: ServeContext, jitterMs?: number): Promise<Poller | undefined> {
  const { config, repo } = ctx;
  if (config.pollIntervalMs <= 0) {
    await removePollSchedulers(config.redisUrl, [repo], config.queuePrefix);
    return undefined;
  }
  return startPoller({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    repos: [repo],
    sources: ctx.sources,
    sync: ctx.sync,
    intervalMs: config.pollIntervalMs,
    ...(jitterMs !== undefined && { jitterMs }),
    onPoll: (_repo, outcome) => {
      ctx.metrics.recordPoll(outcome.result);
      if (outcome.error !== undefined) ctx.log(`poll failed: ${outcome.error}`);
    },
  });
}

function reconcileLoop(ctx: ServeContext, jitterMs?: number): Promise<Reconciler> {
  const { config } = ctx;
  return startReconciler({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    repo: ctx.repo,
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
      ctx.metrics.recordCheck(outcome.result);
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

function server(ctx: ServeContext): Promise<FastifyInstance> {
  const { config, repo, publisher, queues, status } = ctx;
  return createServer({
    webhooks: {
      secrets: { [config.provider]: config.webhookSecrets },
      targets: [{ repo: repo.repo, branch: repo.branch }],
      deliveries: createRedisDeliveryLog(queues.redis, { prefix: `${config.queuePrefix}:webhook-delivery:` }),
      enqueue: async (event) => {
        if (event.kind === 'sync')
          await requestSyncAt(ctx.sync, repo, event.sha, {
            kind: 'webhook',
            provider: event.provider,
            deliveryId: event.deliveryId,
          });
        else if (publisher !== undefined) await enqueuePlan(queues.redis, ctx.plans, event);
      },
      onOutcome: (provider, reason) => ctx.metrics.recordWebhook(provider, reason),
      onDecision: (decision) => emitLog(ctx.event, webhookLog(decision)),
    },
    metrics: ctx.metrics,
    readiness: status.readiness,
    status: status.snapshot,
    run: (id) => ctx.store.get(id),
    sync: (via) =>
      requestSyncAtHead(ctx.sync, repo, ctx.sources.source(repo.url, repo.branch), { kind: 'sync', via }),
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
  config: ServeConfig,
  log: LogLine | ServiceLogger,
  tuning: ServeTuning = {},
): Promise<RunningServe> {
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
    repo: ctx.repo,
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
