/**
 * `GET /login`, `POST /login`, `POST /logout` and `GET /login.css` of token mode. A form post with
 * the right token gets an HttpOnly, SameSite=Strict session cookie and a redirect back; JSON posts
 * (`{"token": "..."}`) get JSON. Failed attempts count against the client's failure limit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../webhooks/constant-time.ts';
import { type AuthContext, clientOf, safeNext, secureCookie, tooManyAttempts } from './auth-context.ts';
import { checkCredentials } from './check-credentials.ts';
import { LOGIN_CSP, LOGIN_CSS, type LoginMessage, loginPage } from './login-page.ts';
import { type SessionSigner, sessionCookieHeader } from './session-cookie.ts';

/** The routes the auth hook leaves open so a browser can sign in. */
export const LOGIN_PATHS: readonly string[] = ['/login', '/login.css', '/logout'];

const MAX_LOGIN_BODY_BYTES = 4096;

type TokenContext = AuthContext & { readonly token: string; readonly sessions: SessionSigner };

function page(reply: FastifyReply, code: number, next: string, message?: LoginMessage): FastifyReply {
  return reply
    .code(code)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', LOGIN_CSP)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(loginPage(next, message));
}

const wantsJson = (request: FastifyRequest) =>
  request.headers['content-type']?.toLowerCase().startsWith('application/json') === true;

/** The submitted token of a form or JSON body, or undefined. */
function submittedToken(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const token = (body as Record<string, unknown>).token;
  return typeof token === 'string' && token !== '' ? token.trim() : undefined;
}

async function login(ctx: TokenContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const json = wantsJson(request);
  const next = safeNext((request.query as { next?: unknown }).next);
  const client = clientOf(request);
  const now = ctx.now();
  const blocked = ctx.limiter.blockedForMs(client, now);
  if (blocked > 0) {
    ctx.onDenied('rate_limited', client);
    return tooManyAttempts(reply, blocked, json ? undefined : loginPage(next, 'limited'));
  }
  const token = submittedToken(request.body);
  if (token === undefined || !constantTimeEqual(token, ctx.token)) {
    const reason = token === undefined ? 'missing' : 'invalid_token';
    if (token !== undefined) ctx.limiter.recordFailure(client, now);
    ctx.onDenied(reason, client);
    if (json)
      return reply.code(401).send({ error: token === undefined ? 'token is required' : 'invalid token' });
    return page(reply, 401, next, token === undefined ? 'missing' : 'wrong');
  }
  const maxAge = Math.floor(ctx.sessions.ttlMs / 1000);
  reply.header(
    'set-cookie',
    sessionCookieHeader(ctx.sessions.issue(now), maxAge, secureCookie(request, ctx.secureCookies)),
  );
  reply.header('cache-control', 'no-store');
  if (json) return reply.send({ status: 'ok', expiresAt: new Date(now + ctx.sessions.ttlMs).toISOString() });
  return reply.code(303).header('location', next).send();
}

/** Registers the login routes in their own scope (the form parser and error handler apply only there). */
export function loginRoutes(ctx: TokenContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: MAX_LOGIN_BODY_BYTES },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    // Parser errors may quote the body (the token); answer without their message.
    app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const code = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400;
      return reply.code(code).send({ error: 'the login request could not be read' });
    });
    app.get('/login.css', async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(LOGIN_CSS),
    );
    app.get('/login', async (request, reply) => {
      const next = safeNext((request.query as { next?: unknown }).next);
      const check = checkCredentials(request.headers, ctx.verifier, ctx.now());
      if (check.ok) return reply.code(303).header('location', next).send();
      return page(reply, 200, next, check.reason === 'expired_session' ? 'expired' : undefined);
    });
    app.post('/login', { bodyLimit: MAX_LOGIN_BODY_BYTES }, (request, reply) => login(ctx, request, reply));
    app.post('/logout', async (request, reply) => {
      reply.header('set-cookie', sessionCookieHeader('', 0, secureCookie(request, ctx.secureCookies)));
      return reply.code(303).header('location', '/login').header('cache-control', 'no-store').send();
    });
  };
}
