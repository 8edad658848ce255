/**
 * The fastify app of `meshpeer serve`: webhooks, `/healthz`, `/readyz`, `/metrics`, `/api/status`,
 * `/api/runs`, `/api/runs/:id`, `POST /api/sync` and the status page, behind the UI authentication.
 * Every JSON answer passes through the redaction helper.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { RunSummary, StatusSnapshot } from '../gitops/status-snapshot.ts';
import type { SyncRequested } from '../gitops/sync-request.ts';
import type { RunRecord } from '../run/run-record.ts';
import { redactValue, safeErrorMessage } from '../secrets/redact.ts';
import { registerMetricsRoute } from './auth/create-metrics-server.ts';
import { registerUiAuth, type UiAuthOptions } from './auth/register-ui-auth.ts';
import type { UiAuth } from './auth/ui-auth.ts';
import type { Metrics } from './metrics.ts';
import type { ReadinessReport } from './readiness.ts';
import { statusPageRoutes } from './status-page.ts';
import { filterRuns, parseRunListQuery, type RunListOptions } from './status-page-api.ts';
import { type WebhookRoutesOptions, webhookRoutes } from './webhook-routes.ts';

/** What the server shows and where accepted webhooks go. */
export interface ServerOptions {
  readonly webhooks: WebhookRoutesOptions;
  readonly metrics: Metrics;
  readonly readiness: () => Promise<ReadinessReport>;
  /** The snapshot of a target (default: the first); undefined for a target not followed. */
  readonly status: (target?: string) => Promise<StatusSnapshot | undefined>;
  readonly run: (id: string) => Promise<RunRecord | undefined>;
  /** Runs newest first for `GET /api/runs`; without it, the runs of `status()` are filtered. */
  readonly runs?: (options: RunListOptions) => Promise<readonly RunSummary[]>;
  /**
   * Requests a run of a target at its branch head now (`POST /api/sync`); without it the route
   * answers 404. An error with a 4xx `statusCode` is the caller's mistake and is answered as such.
   */
  readonly sync?: (via: 'api' | 'cli', target?: string) => Promise<SyncRequested>;
  /** Who may read the page, the API and `/metrics`; open without it (tests of the routes alone). */
  readonly auth?: { readonly config: UiAuth; readonly options?: UiAuthOptions };
  /** Receives one line per request error (already redacted by the caller's logger). */
  readonly log?: (line: string) => void;
}

/** Builds the app; call `listen` or use `inject` in tests. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, return503OnClosing: true });
  if (options.auth !== undefined) await registerUiAuth(app, options.auth.config, options.auth.options);
  await app.register(webhookRoutes(options.webhooks));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const report = await options.readiness();
    return reply.code(report.ready ? 200 : 503).send(redactValue(report));
  });
  registerMetricsRoute(app, options.metrics);
  // Set before the scope below: a child scope keeps the error handler it was created with.
  app.setErrorHandler((error: { message?: string; statusCode?: number }, _req, reply) => {
    options.log?.(`request failed: ${error.message ?? 'unknown error'}`);
    return reply.code(error.statusCode ?? 500).send({ error: 'internal error; see the server log' });
  });
  // The status page and the API it reads share one scope, so a single hook can guard them all.
  await app.register(async (ui) => {
    ui.get('/api/status', async (req, reply) => {
      const target = (req.query as { target?: unknown }).target;
      const snapshot = await options.status(typeof target === 'string' && target !== '' ? target : undefined);
      if (snapshot === undefined) {
        const targets = ((await options.status())?.tracked ?? []).map((t) => t.target);
        return reply.code(404).send(
          redactValue({
            error: `no target "${String(target)}"; the targets are: ${targets.join(', ')}`,
            targets,
          }),
        );
      }
      return redactValue(snapshot);
    });
    ui.get('/api/runs', async (req, reply) => {
      const parsed = parseRunListQuery(req.query as Record<string, unknown>);
      if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
      const runs = options.runs
        ? await options.runs(parsed.options)
        : filterRuns((await options.status(parsed.options.target))?.runs ?? [], parsed.options);
      return redactValue(runs);
    });
    ui.get('/api/runs/:id', async (req, reply) => {
      const record = await options.run((req.params as { id: string }).id);
      if (record === undefined) return reply.code(404).send({ error: 'no such run' });
      return redactValue(record);
    });
    const sync = options.sync;
    if (sync !== undefined)
      ui.post('/api/sync', async (req, reply) => {
        // `meshpeer sync` says so in the body, so the run's trigger tells a person's CLI from a script.
        const body = req.body as { via?: unknown; target?: unknown } | undefined;
        const via = body?.via === 'cli' ? 'cli' : 'api';
        const target = typeof body?.target === 'string' && body.target !== '' ? body.target : undefined;
        try {
          const requested = await sync(via, target);
          options.metrics.recordSync('requested', requested.target);
          return reply.code(202).send(requested);
        } catch (err) {
          const code = (err as { statusCode?: unknown }).statusCode;
          if (code === 400 || code === 404) return reply.code(code).send({ error: safeErrorMessage(err) });
          options.metrics.recordSync('error', target);
          const reason = safeErrorMessage(err);
          options.log?.(`sync failed: ${reason}`);
          return reply.code(502).send({ error: `could not request a sync: ${reason}` });
        }
      });
    await statusPageRoutes(ui);
  });
  return app;
}
