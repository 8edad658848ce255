import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerUiAuth } from '../../../src/server/auth/register-ui-auth.ts';
import type { UiAuth } from '../../../src/server/auth/ui-auth.ts';
import {
  type AuthApp,
  authApp,
  basicAuth,
  basicHeader,
  signedPush,
  tokenAuth,
  UI_PASSWORD,
  UI_TOKEN,
} from './auth-app.ts';

const bearer = (token = UI_TOKEN) => ({ authorization: `Bearer ${token}` });
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const limits = { maxFailures: 3, windowMs: 60_000, maxClients: 100 };

let current: AuthApp | undefined;
async function start(auth: UiAuth, options = {}): Promise<AuthApp> {
  current = await authApp(auth, options);
  return current;
}
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

/** The routes that stay open in every mode, checked without any credentials. */
async function expectOpenRoutes({ app, enqueued }: AuthApp): Promise<void> {
  expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  const push = signedPush(`d-${Math.random()}`);
  const accepted = await app.inject({ method: 'POST', url: '/webhooks/github', ...push });
  expect(accepted.statusCode).toBe(202);
  expect(enqueued).toHaveLength(1);
  // The webhook keeps its own HMAC check: no UI credentials, but no signature either, is refused.
  const unsigned = await app.inject({
    method: 'POST',
    url: '/webhooks/github',
    payload: push.payload,
    headers: { ...push.headers, 'x-hub-signature-256': 'sha256=00', 'x-github-delivery': 'd-unsigned' },
  });
  expect(unsigned.statusCode).toBe(401);
  expect(unsigned.json()).toMatchObject({ reason: 'bad_signature' });
}

describe('token mode', () => {
  it('refuses the API, metrics and unknown routes without credentials with 401 JSON and a Bearer challenge', async () => {
    const { app, denied } = await start(tokenAuth);
    for (const url of ['/api/status', '/metrics', '/no-such-route', '/healthz/..%2Fapi/status']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="meshpeer"');
      expect(res.json()).toEqual({ error: expect.stringContaining('authentication required') });
    }
    const sync = await app.inject({ method: 'POST', url: '/api/sync' });
    expect(sync.statusCode).toBe(401);
    expect(denied).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
  });

  it('sends a browser asking for a page to the login form, keeping where it wanted to go', async () => {
    const { app } = await start(tokenAuth);
    const root = await app.inject({ url: '/', headers: html });
    expect(root.statusCode).toBe(303);
    expect(root.headers.location).toBe('/login');
    const run = await app.inject({ url: '/runs/7?tab=steps', headers: html });
    expect(run.headers.location).toBe(`/login?next=${encodeURIComponent('/runs/7?tab=steps')}`);
    // A script calling the API, or curl, gets 401 instead of a redirect.
    expect((await app.inject({ url: '/api/status', headers: html })).statusCode).toBe(401);
    expect((await app.inject({ url: '/' })).statusCode).toBe(401);
  });

  it('accepts the bearer token everywhere', async () => {
    const { app } = await start(tokenAuth);
    expect((await app.inject({ url: '/api/status', headers: bearer() })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/sync', headers: bearer() })).statusCode).toBe(200);
    expect((await app.inject({ url: '/', headers: bearer() })).statusCode).toBe(200);
    const metrics = await app.inject({ url: '/metrics', headers: bearer() });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('# HELP meshpeer_runs_total');
    expect((await app.inject({ url: '/no-such-route', headers: bearer() })).statusCode).toBe(404);
  });

  it('refuses a wrong token with 401 and error="invalid_token", without echoing it', async () => {
    const { app, denied } = await start(tokenAuth);
    const wrong = 'wrong-token-that-is-long-enough';
    for (const authorization of [`Bearer ${wrong}`, `Bearer ${UI_TOKEN}x`, `Basic ${UI_TOKEN}`, 'Bearer']) {
      const res = await app.inject({ url: '/api/status', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="meshpeer", error="invalid_token"');
      expect(res.body).not.toContain(wrong);
      expect(res.body).not.toContain(UI_TOKEN);
    }
    expect(denied).toEqual(['invalid_token', 'invalid_token', 'invalid_token', 'invalid_token']);
  });

  it('keeps /healthz, /readyz and the HMAC-checked webhooks open', async () => {
    await expectOpenRoutes(await start(tokenAuth));
  });

  it('blocks an address after repeated wrong tokens, even for the right one, until the window ends', async () => {
    const { app, clock, denied } = await start(tokenAuth, { limits });
    const attempt = (token: string, remoteAddress = '203.0.113.7') =>
      app.inject({ url: '/api/status', headers: bearer(token), remoteAddress });
    for (let i = 0; i < 3; i++) expect((await attempt(`guess-number-${i}-padding`)).statusCode).toBe(401);
    const blocked = await attempt(UI_TOKEN);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('60');
    expect(blocked.json()).toEqual({ error: 'too many failed attempts from this address; retry in 60s' });
    expect(denied.at(-1)).toBe('rate_limited');
    // Another address is not affected, and requests without credentials are not guesses.
    expect((await attempt(UI_TOKEN, '198.51.100.2')).statusCode).toBe(200);
    clock.now += 60_000;
    expect((await attempt(UI_TOKEN)).statusCode).toBe(200);
  });

  it('answers /metrics with 404 on the main app when metrics moved to their own port', async () => {
    const { app } = await start(tokenAuth, { serveMetrics: false });
    const res = await app.inject({ url: '/metrics', headers: bearer() });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'metrics are served on the metrics port (--metrics-port)' });
  });
});

describe('basic mode', () => {
  it('challenges pages and the API alike with 401 and WWW-Authenticate Basic (the browser prompts)', async () => {
    const { app, denied } = await start(basicAuth);
    for (const [url, headers] of [
      ['/', html],
      ['/api/status', {}],
      ['/metrics', {}],
      ['/login', html],
    ] as const) {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="meshpeer", charset="UTF-8"');
      expect(res.json()).toEqual({ error: 'authentication required (HTTP Basic)' });
    }
    expect(denied).toEqual(['missing', 'missing', 'missing', 'missing']);
  });

  it('accepts the right user and password', async () => {
    const { app } = await start(basicAuth);
    const headers = { authorization: basicHeader('admin', UI_PASSWORD) };
    expect((await app.inject({ url: '/api/status', headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/', headers: { ...headers, ...html } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/sync', headers })).statusCode).toBe(200);
  });

  it('refuses a wrong password, a wrong user, garbage and a bearer token', async () => {
    const { app, denied } = await start(basicAuth);
    for (const authorization of [
      basicHeader('admin', 'wrong password'),
      basicHeader('root', UI_PASSWORD),
      'Basic !!!not-base64',
      `Bearer ${UI_PASSWORD}`,
    ]) {
      const res = await app.inject({ url: '/api/status', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid username or password' });
      expect(res.body).not.toContain(UI_PASSWORD);
    }
    expect(denied).toEqual(['invalid_password', 'invalid_password', 'invalid_password', 'invalid_password']);
  });

  it('keeps /healthz, /readyz and the HMAC-checked webhooks open', async () => {
    await expectOpenRoutes(await start(basicAuth));
  });

  it('rate-limits wrong passwords per address', async () => {
    const { app } = await start(basicAuth, { limits });
    const attempt = (password: string) =>
      app.inject({ url: '/api/status', headers: { authorization: basicHeader('admin', password) } });
    for (let i = 0; i < 3; i++) expect((await attempt(`guess-${i}`)).statusCode).toBe(401);
    expect((await attempt(UI_PASSWORD)).statusCode).toBe(429);
  });
});

describe('no auth', () => {
  it('serves everything without credentials and has no login form', async () => {
    const running = await start({ mode: 'none', explicit: true });
    const { app, denied } = running;
    expect((await app.inject({ url: '/api/status' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/', headers: html })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/login' })).statusCode).toBe(404);
    await expectOpenRoutes(running);
    expect(denied).toEqual([]);
  });
});

describe('registration order', () => {
  it('also protects routes added after the hook, in plugins included', async () => {
    const app = Fastify({ logger: false });
    try {
      await registerUiAuth(app, tokenAuth);
      app.get('/api/late', async () => ({ late: true }));
      await app.register(async (scope) => {
        scope.get('/api/scoped', async () => ({ scoped: true }));
      });
      for (const url of ['/api/late', '/api/scoped']) {
        expect((await app.inject({ url })).statusCode, url).toBe(401);
        expect((await app.inject({ url, headers: bearer() })).statusCode, url).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});
