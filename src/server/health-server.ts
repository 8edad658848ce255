/**
 * The probe port of a process without a web UI (`meshpeer worker --health-port`): `/healthz`
 * answers while the event loop turns, `/readyz` while its dependencies answer too, so Kubernetes
 * can restart a wedged worker the way it restarts serve. Nothing else is served.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { redactValue } from '../secrets/redact.ts';
import type { ReadinessReport } from './readiness.ts';

/** Builds the probe app; call `listen({ host, port })` on it, and `close()` on shutdown. */
export async function createHealthServer(
  readiness: () => Promise<ReadinessReport>,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024, return503OnClosing: true });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const report = await readiness();
    return reply.code(report.ready ? 200 : 503).send(redactValue(report));
  });
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ error: 'only /healthz and /readyz are served on the health port' }),
  );
  return app;
}
