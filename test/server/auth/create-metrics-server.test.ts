import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsServer } from '../../../src/server/auth/create-metrics-server.ts';
import { createMetrics } from '../../../src/server/metrics.ts';

describe('the metrics port', () => {
  let app: FastifyInstance;
  const metrics = createMetrics({ targets: [], peerings: async () => [] });

  beforeAll(async () => {
    app = await createMetricsServer(metrics);
  });
  afterAll(() => app.close());

  it('serves Prometheus metrics without credentials', async () => {
    metrics.recordPoll('unchanged', 'acme/mesh@main');
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('meshpeer_polls_total{target="acme/mesh@main",result="unchanged"} 1');
  });

  it('serves /healthz', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('serves nothing else: no page, no API, no webhooks', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', '/api/status'],
      ['GET', '/readyz'],
      ['POST', '/webhooks/github'],
      ['POST', '/metrics'],
    ] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toEqual({ error: 'only /metrics and /healthz are served on the metrics port' });
    }
  });

  it('listens on a port of its own', async () => {
    const server = await createMetricsServer(metrics);
    try {
      const address = await server.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${address}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# HELP meshpeer_runs_total');
    } finally {
      await server.close();
    }
  });
});
