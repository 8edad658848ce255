/**
 * A small app with the routes of `meshpeer serve` (real webhook routes, probes, metrics, API and a
 * page) behind registerUiAuth, for the auth tests; the clock is a variable the tests move.
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DeniedReason } from '../../../src/server/auth/check-credentials.ts';
import { registerMetricsRoute } from '../../../src/server/auth/create-metrics-server.ts';
import { registerUiAuth, type UiAuthOptions } from '../../../src/server/auth/register-ui-auth.ts';
import type { UiAuth } from '../../../src/server/auth/ui-auth.ts';
import { createMetrics } from '../../../src/server/metrics.ts';
import { webhookRoutes } from '../../../src/server/webhook-routes.ts';
import { createMemoryDeliveryLog } from '../../../src/server/webhooks/delivery-log.ts';

export const UI_TOKEN = 'ui-token-0123456789abcdef';
export const UI_PASSWORD = 'correct horse battery';
export const HOOK_SECRET = 'hook-secret-for-auth-tests';

export interface AuthApp {
  readonly app: FastifyInstance;
  readonly denied: DeniedReason[];
  readonly clock: { now: number };
  readonly enqueued: unknown[];
}

/** Builds the app; routes are registered before the hook, as createServer would do it. */
export async function authApp(auth: UiAuth, options: UiAuthOptions = {}): Promise<AuthApp> {
  const denied: DeniedReason[] = [];
  const enqueued: unknown[] = [];
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') };
  const app = Fastify({ logger: false });
  await app.register(
    webhookRoutes({
      secrets: { github: [HOOK_SECRET] },
      targets: [{ repo: 'acme/mesh', branch: 'main' }],
      deliveries: createMemoryDeliveryLog(),
      enqueue: async (event) => {
        enqueued.push(event);
      },
    }),
  );
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ ready: true }));
  registerMetricsRoute(app, createMetrics({ targets: [], peerings: async () => [] }));
  app.get('/api/status', async () => ({ tracked: [] }));
  app.post('/api/sync', async () => ({ status: 'queued' }));
  app.get('/', async (_req, reply) => reply.type('text/html').send('<h1>status</h1>'));
  app.get('/runs/:id', async (_req, reply) => reply.type('text/html').send('<h1>run</h1>'));
  await registerUiAuth(app, auth, {
    now: () => clock.now,
    onDenied: (reason) => denied.push(reason),
    ...options,
  });
  await app.ready();
  return { app, denied, clock, enqueued };
}

/** A signed GitHub push to main. */
export function signedPush(deliveryId: string): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify({
    ref: 'refs/heads/main',
    after: 'b'.repeat(40),
    repository: { full_name: 'acme/mesh' },
  });
  const signature = `sha256=${createHmac('sha256', HOOK_SECRET).update(payload).digest('hex')}`;
  return {
    payload,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signature,
    },
  };
}

/** The session cookie value of a Set-Cookie header. */
export function sessionFrom(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const match = /meshpeer_session=([^;]*)/.exec(header ?? '');
  if (match?.[1] === undefined) throw new Error(`no session cookie in ${String(header)}`);
  return match[1];
}

export const tokenAuth: UiAuth = { mode: 'token', token: UI_TOKEN, explicit: true };
export const basicAuth: UiAuth = { mode: 'basic', username: 'admin', password: UI_PASSWORD, explicit: true };
export const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
