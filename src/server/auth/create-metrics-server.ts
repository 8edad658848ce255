/**
 * The app behind `--metrics-port`: `/metrics` and `/healthz` only, without authentication, for
 * Prometheus scraping inside the cluster (the way Argo CD and Flux expose metrics on a port of
 * their own). Nothing else is reachable there, so the port can be opened to the monitoring network.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.ts';

/** Adds `GET /metrics` (Prometheus text format) to `app`; shared by the main app and the metrics port. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}

/** Builds the metrics-only app; call `listen({ host, port })` on it, and `close()` on shutdown. */
export async function createMetricsServer(
  metrics: Metrics,
  options: { readonly log?: (line: string) => void } = {},
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024, return503OnClosing: true });
  registerMetricsRoute(app, metrics);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ error: 'only /metrics and /healthz are served on the metrics port' }),
  );
  app.setErrorHandler((error: { message?: string; statusCode?: number }, _request, reply) => {
    options.log?.(`metrics request failed: ${error.message ?? 'unknown error'}`);
    return reply.code(error.statusCode ?? 500).send({ error: 'internal error; see the server log' });
  });
  return app;
}
