/**
 * The HTTP side of serve: webhooks turned into runs and plans for the targets they name, the
 * status and runs API per target, sync of one target, and the optional metrics port.
 */
import type { FastifyInstance } from 'fastify';
import { enqueuePlan } from '../gitops/plan-queue.ts';
import { runSummary } from '../gitops/status-snapshot.ts';
import type { SyncEvent } from '../gitops/sync-event.ts';
import { requestSyncAt, requestSyncAtHead } from '../gitops/sync-request.ts';
import { emitLog } from '../io/service-logger.ts';
import { createMetricsServer } from '../server/auth/create-metrics-server.ts';
import { createServer } from '../server/create-server.ts';
import { listenOn } from '../server/listen.ts';
import { filterRuns, RUN_LIST_MAX } from '../server/status-page-api.ts';
import { createRedisDeliveryLog } from '../server/webhooks/redis-delivery-log.ts';
import { type ServeContext, type TargetContext, targetsOf } from './serve-context.ts';
import { webhookLog } from './serve-log-fields.ts';

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

/** The HTTP server of serve: webhooks, status, runs, sync, page and metrics behind the UI auth. */
export function createServeServer(ctx: ServeContext): Promise<FastifyInstance> {
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
    // A trigger filter reads the whole kept history, so a rare trigger still finds `limit` runs.
    runs: async (options) => {
      const limit = options.trigger === undefined ? options.limit : RUN_LIST_MAX;
      return filterRuns((await ctx.store.list(limit, options.target)).map(runSummary), options);
    },
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
export async function metricsServer(
  ctx: ServeContext,
): Promise<{ app: FastifyInstance; url: string } | undefined> {
  const { metricsPort, host } = ctx.config;
  if (metricsPort === undefined) return undefined;
  const app = await createMetricsServer(ctx.metrics, { log: ctx.log });
  return {
    app,
    url: loopbackUrl(await listenOn(app, host, metricsPort, '--metrics-port (MESHPEER_METRICS_PORT)')),
  };
}

/** A listen address a local client can use (tests and the startup line). */
export const loopbackUrl = (address: string) => address.replace('0.0.0.0', '127.0.0.1');
