/**
 * The fastify app of `meshpeer serve`: webhooks, `/healthz`, `/readyz`, `/metrics`, `/api/status`,
 * `/api/runs/:id` and the status page. Every JSON answer passes through the redaction helper.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { RunRecord } from '../run/run-record.ts';
import { redactValue } from '../secrets/redact.ts';
import type { Metrics } from './metrics.ts';
import type { ReadinessReport } from './readiness.ts';
import { statusPage, statusPageBody } from './status-page.ts';
import type { StatusSnapshot } from './status-snapshot.ts';
import { type WebhookRoutesOptions, webhookRoutes } from './webhook-routes.ts';

/** What the server shows and where accepted webhooks go. */
export interface ServerOptions {
  readonly webhooks: WebhookRoutesOptions;
  readonly metrics: Metrics;
  readonly readiness: () => Promise<ReadinessReport>;
  readonly status: () => Promise<StatusSnapshot>;
  readonly run: (id: string) => Promise<RunRecord | undefined>;
  /** Receives one line per request error (already redacted by the caller's logger). */
  readonly log?: (line: string) => void;
}

/** Builds the app; call `listen` or use `inject` in tests. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, return503OnClosing: true });
  await app.register(webhookRoutes(options.webhooks));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const report = await options.readiness();
    return reply.code(report.ready ? 200 : 503).send(redactValue(report));
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(text);
  });
  app.get('/api/status', async () => redactValue(await options.status()));
  app.get('/api/runs/:id', async (req, reply) => {
    const record = await options.run((req.params as { id: string }).id);
    if (record === undefined) return reply.code(404).send({ error: 'no such run' });
    return redactValue(record);
  });
  app.get('/', async (req, reply) => {
    const snapshot = await options.status();
    const partial = (req.query as { partial?: string }).partial === '1';
    return reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
      )
      .send(partial ? statusPageBody(snapshot) : statusPage(snapshot));
  });
  app.setErrorHandler((error: { message?: string; statusCode?: number }, _req, reply) => {
    options.log?.(`request failed: ${error.message ?? 'unknown error'}`);
    return reply.code(error.statusCode ?? 500).send({ error: 'internal error; see the server log' });
  });
  return app;
}
