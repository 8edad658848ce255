import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { UiAuthOptions } from '../../../src/server/auth/register-ui-auth.ts';
import { type AuthApp, authApp, sessionFrom, tokenAuth, UI_TOKEN } from './auth-app.ts';

const html = { accept: 'text/html' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const TWELVE_HOURS_S = 12 * 60 * 60;

let current: AuthApp | undefined;
async function start(options: UiAuthOptions = {}): Promise<AuthApp> {
  current = await authApp(tokenAuth, options);
  return current;
}
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

const postLogin = (
  app: AuthApp['app'],
  token: string,
  url = '/login',
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...form, ...headers },
    payload: `token=${encodeURIComponent(token)}`,
  });

async function loggedIn(app: AuthApp['app']): Promise<string> {
  const res = await postLogin(app, UI_TOKEN);
  expect(res.statusCode).toBe(303);
  return `meshpeer_session=${sessionFrom(res.headers['set-cookie'])}`;
}

function expectNoSecret(res: LightMyRequestResponse): void {
  expect(res.body).not.toContain(UI_TOKEN);
  expect(JSON.stringify(res.headers)).not.toContain(UI_TOKEN);
}

describe('the login form', () => {
  it('is a static page under a strict CSP with its stylesheet open', async () => {
    const { app } = await start();
    const page = await app.inject({ url: '/login', headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<form method="post" action="/login">');
    expect(page.body).not.toMatch(/<script|style=/);
    const css = await app.inject({ url: '/login.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie that works for pages and the API', async () => {
    const { app } = await start();
    const res = await postLogin(app, UI_TOKEN);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^meshpeer_session=v1\.[^;]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(setCookie).toContain(`Max-Age=${TWELVE_HOURS_S}`);
    expectNoSecret(res);
    const cookie = `meshpeer_session=${sessionFrom(res.headers['set-cookie'])}`;
    expect((await app.inject({ url: '/', headers: { ...html, cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/status', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', headers: { cookie } })).statusCode).toBe(200);
    // Signed in already: the form sends the browser on.
    const again = await app.inject({ url: '/login?next=/runs/3', headers: { ...html, cookie } });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/runs/3');
  });

  it('marks the cookie Secure behind https', async () => {
    const { app } = await start();
    const res = await postLogin(app, UI_TOKEN, '/login', { 'x-forwarded-proto': 'https' });
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('returns to a same-origin next path only', async () => {
    const { app } = await start();
    const form = await app.inject({ url: '/login?next=%2Fruns%2F7', headers: html });
    expect(form.body).toContain('action="/login?next=%2Fruns%2F7"');
    expect((await postLogin(app, UI_TOKEN, '/login?next=%2Fruns%2F7')).headers.location).toBe('/runs/7');
    for (const next of [
      '//evil.example/x',
      'https://evil.example',
      '/\\evil.example',
      '/login',
      'javascript:alert(1)',
    ]) {
      const res = await postLogin(app, UI_TOKEN, `/login?next=${encodeURIComponent(next)}`);
      expect(res.headers.location, next).toBe('/');
    }
  });

  it('answers a wrong token with 401 and the form, no cookie and no echo', async () => {
    const { app, denied } = await start();
    const wrong = 'wrong-token-0123456789abcdef';
    const res = await postLogin(app, wrong);
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('That token is not valid.');
    expect(res.body).not.toContain(wrong);
    expectNoSecret(res);
    const empty = await postLogin(app, '');
    expect(empty.statusCode).toBe(401);
    expect(denied).toEqual(['invalid_token', 'missing']);
  });

  it('takes JSON too, for scripts', async () => {
    const { app, clock } = await start();
    const ok = await app.inject({ method: 'POST', url: '/login', payload: { token: UI_TOKEN } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      status: 'ok',
      expiresAt: new Date(clock.now + TWELVE_HOURS_S * 1000).toISOString(),
    });
    expectNoSecret(ok);
    const wrong = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { token: 'nope-nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid token' });
  });

  it('does not quote an unreadable body, which may hold the token', async () => {
    const { app } = await start();
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"token": ${UI_TOKEN}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'the login request could not be read' });
  });
});

describe('session cookies', () => {
  it('refuses a tampered cookie with 401 and sends a browser back to the form', async () => {
    const { app, denied } = await start();
    const cookie = await loggedIn(app);
    const tampered = cookie.replace(/\.(\d+)\./, (_m, exp: string) => `.${Number(exp) + 86_400}.`);
    const api = await app.inject({ url: '/api/status', headers: { cookie: tampered } });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toEqual({ error: 'invalid session; sign in again at /login' });
    const page = await app.inject({ url: '/', headers: { ...html, cookie: tampered } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login');
    expect(denied).toEqual(['invalid_session', 'invalid_session']);
  });

  it('refuses an expired cookie with 401, and the form says the session ended', async () => {
    const { app, clock, denied } = await start();
    const cookie = await loggedIn(app);
    clock.now += TWELVE_HOURS_S * 1000;
    const api = await app.inject({ url: '/api/status', headers: { cookie } });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toEqual({ error: 'session expired; sign in again at /login' });
    const form = await app.inject({ url: '/login', headers: { ...html, cookie } });
    expect(form.body).toContain('Your session has ended');
    expect(denied).toEqual(['expired_session']);
  });

  it('refuses a cookie from a server with another token', async () => {
    const other = await authApp({ mode: 'token', token: 'another-token-0123456789', explicit: true });
    try {
      const foreign = await loggedInWith(other.app, 'another-token-0123456789');
      const { app } = await start();
      expect((await app.inject({ url: '/api/status', headers: { cookie: foreign } })).statusCode).toBe(401);
    } finally {
      await other.app.close();
    }
  });

  it('logout clears the cookie and goes back to the form', async () => {
    const { app } = await start();
    const cookie = await loggedIn(app);
    const res = await app.inject({ method: 'POST', url: '/logout', headers: { cookie } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(String(res.headers['set-cookie'])).toMatch(
      /^meshpeer_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/,
    );
  });

  it('refuses a cookie-authenticated write from another site, but not a bearer one', async () => {
    const { app, denied } = await start();
    const cookie = await loggedIn(app);
    const sync = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/sync', headers });
    expect((await sync({ cookie, 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    expect((await sync({ cookie, origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await sync({ cookie, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    expect((await sync({ cookie, origin: 'http://localhost:80' })).statusCode).toBe(200);
    expect(
      (await sync({ authorization: `Bearer ${UI_TOKEN}`, 'sec-fetch-site': 'cross-site' })).statusCode,
    ).toBe(200);
    expect(denied).toEqual(['cross_origin', 'cross_origin']);
  });
});

async function loggedInWith(app: AuthApp['app'], token: string): Promise<string> {
  const res = await postLogin(app, token);
  return `meshpeer_session=${sessionFrom(res.headers['set-cookie'])}`;
}

describe('login rate limit', () => {
  const limits = { maxFailures: 3, windowMs: 300_000, maxClients: 100 };

  it('blocks an address after repeated wrong tokens, even for the right one', async () => {
    const { app, clock, denied } = await start({ limits });
    for (let i = 0; i < 3; i++) expect((await postLogin(app, `guess-${i}-0123456789`)).statusCode).toBe(401);
    const blocked = await postLogin(app, UI_TOKEN);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('300');
    expect(blocked.headers['set-cookie']).toBeUndefined();
    expect(blocked.body).toContain('Too many failed attempts');
    expect(denied.at(-1)).toBe('rate_limited');
    clock.now += 300_000;
    expect((await postLogin(app, UI_TOKEN)).statusCode).toBe(303);
  });

  it('lets a signed-in browser go on while its address is blocked', async () => {
    const { app } = await start({ limits });
    const cookie = await loggedIn(app);
    for (let i = 0; i < 4; i++) await postLogin(app, `guess-${i}-0123456789`);
    expect((await app.inject({ url: '/api/status', headers: { cookie } })).statusCode).toBe(200);
    expect(
      (await app.inject({ url: '/api/status', headers: { authorization: `Bearer ${UI_TOKEN}` } })).statusCode,
    ).toBe(429);
  });
});
