/**
 * The onRequest hook that puts the status page, the API and `/metrics` of `meshpeer serve`
 * behind the configured authentication. Only an explicit allow-list stays open: `/healthz` and
 * `/readyz` (probes), the webhook routes (they check their own HMAC signatures) and the login
 * routes. The decision uses the route fastify matched, so `/healthz/../api` tricks cannot apply.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuthContext, clientOf, tooManyAttempts } from './auth-context.ts';
import {
  type CredentialCheck,
  checkCredentials,
  type DeniedReason,
  verifierFor,
} from './check-credentials.ts';
import { createFailureLimiter, DEFAULT_FAILURE_LIMITS, type FailureLimits } from './failure-limiter.ts';
import { LOGIN_PATHS, loginRoutes } from './login-routes.ts';
import type { UiAuth } from './ui-auth.ts';

/** Routes that never need UI credentials: probes and HMAC-signed webhooks (see webhook-routes.ts). */
export const OPEN_PATHS: readonly string[] = ['/healthz', '/readyz', '/webhooks/github', '/webhooks/gitlab'];

/** Set on answers to requests authenticated by the session cookie (the page reads it; the cookie is HttpOnly). */
export const SESSION_HEADER = 'x-meshpeer-session';

/** Tuning of the hook; everything has a default. */
export interface UiAuthOptions {
  /** Called once per refused request with a closed-set reason (for a metric) and the client address. */
  readonly onDenied?: (reason: DeniedReason, client: string) => void;
  /** Lifetime of a login session; 12 hours by default. */
  readonly sessionTtlMs?: number;
  readonly limits?: FailureLimits;
  /** `auto` (default): Secure cookies when the request came over https. */
  readonly secureCookies?: 'auto' | boolean;
  /** False when `/metrics` moved to the metrics port: the main app then answers it with 404. */
  readonly serveMetrics?: boolean;
  /** More route patterns (as registered, e.g. `/webhooks/bitbucket`) that stay open. */
  readonly openPaths?: readonly string[];
  /** The clock, for tests. */
  readonly now?: () => number;
}

const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const MESSAGES: Record<DeniedReason, string> = {
  missing: 'authentication required: send Authorization: Bearer <token> or sign in at /login',
  invalid_token: 'invalid token',
  invalid_password: 'invalid username or password',
  invalid_session: 'invalid session; sign in again at /login',
  expired_session: 'session expired; sign in again at /login',
  rate_limited: 'too many failed attempts',
  cross_origin: 'cross-origin request refused; use a bearer token for requests from other origins',
};

/** A browser navigating to a page (not a script calling the API) is sent to the login form. */
function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.url.startsWith('/api/') || request.url.startsWith('/metrics')) return false;
  return request.headers.accept?.includes('text/html') === true;
}

/** A cookie-authenticated write from another origin (a sibling subdomain passes SameSite=Strict). */
function isCrossOrigin(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    const from = new URL(origin);
    // Parsing the Host header with the origin's scheme drops a default port the same way.
    return from.host !== new URL(`${from.protocol}//${request.host}`).host;
  } catch {
    return true;
  }
}

function refuse(ctx: AuthContext, request: FastifyRequest, reply: FastifyReply, reason: DeniedReason) {
  reply.header('cache-control', 'no-store');
  if (ctx.verifier.mode === 'basic')
    return reply
      .code(401)
      .header('www-authenticate', 'Basic realm="meshpeer", charset="UTF-8"')
      .send({ error: reason === 'missing' ? 'authentication required (HTTP Basic)' : MESSAGES[reason] });
  if (isPageRequest(request)) {
    const next = request.url === '/' ? '' : `?next=${encodeURIComponent(request.url)}`;
    return reply.code(303).header('location', `/login${next}`).send();
  }
  const bearer =
    reason === 'invalid_token' ? 'Bearer realm="meshpeer", error="invalid_token"' : 'Bearer realm="meshpeer"';
  return reply.code(401).header('www-authenticate', bearer).send({ error: MESSAGES[reason] });
}

async function guard(ctx: AuthContext, request: FastifyRequest, reply: FastifyReply) {
  const client = clientOf(request);
  const now = ctx.now();
  const check: CredentialCheck = checkCredentials(request.headers, ctx.verifier, now);
  // A valid session cookie cannot be a guess, so it passes even while the address is blocked.
  if (check.ok && check.via === 'cookie') {
    if (!isCrossOrigin(request)) {
      // The page offers "Sign out" only to a browser that has a session to end.
      reply.header(SESSION_HEADER, 'cookie');
      return;
    }
    ctx.onDenied('cross_origin', client);
    return reply.code(403).send({ error: MESSAGES.cross_origin });
  }
  const blocked = ctx.limiter.blockedForMs(client, now);
  if (blocked > 0) {
    ctx.onDenied('rate_limited', client);
    return tooManyAttempts(reply, blocked);
  }
  if (check.ok) return;
  if (check.guess) ctx.limiter.recordFailure(client, now);
  ctx.onDenied(check.reason, client);
  return refuse(ctx, request, reply, check.reason);
}

/**
 * Protects every route of `app` except the allow-list, and adds the login routes in token mode.
 * Call it on the root instance before `listen`/`ready`; it covers routes added before and after.
 */
export async function registerUiAuth(
  app: FastifyInstance,
  auth: UiAuth,
  options: UiAuthOptions = {},
): Promise<void> {
  const verifier = verifierFor(auth, options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
  const ctx: AuthContext = {
    verifier,
    limiter: createFailureLimiter(options.limits ?? DEFAULT_FAILURE_LIMITS),
    now: options.now ?? Date.now,
    secureCookies: options.secureCookies ?? 'auto',
    onDenied: options.onDenied ?? (() => {}),
  };
  const open = new Set([
    ...OPEN_PATHS,
    ...(options.openPaths ?? []),
    ...(verifier.mode === 'token' ? LOGIN_PATHS : []),
  ]);
  const serveMetrics = options.serveMetrics !== false;
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (!serveMetrics && route === '/metrics')
      return reply.code(404).send({ error: 'metrics are served on the metrics port (--metrics-port)' });
    if (route !== undefined && open.has(route)) return;
    if (verifier.mode === 'none') return;
    return guard(ctx, request, reply);
  });
  if (verifier.mode === 'token')
    await app.register(loginRoutes({ ...ctx, token: verifier.token, sessions: verifier.sessions }));
}
