/**
 * What the auth hook and the login routes share: the verifier, the failure limiter, the clock,
 * the denial callback, and small request helpers (client address, https, safe redirect target).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeniedReason, Verifier } from './check-credentials.ts';
import type { FailureLimiter } from './failure-limiter.ts';

/** The shared state of one protected app. */
export interface AuthContext {
  readonly verifier: Verifier;
  readonly limiter: FailureLimiter;
  readonly now: () => number;
  /** `auto` marks the cookie Secure when the request came over https (directly or per X-Forwarded-Proto). */
  readonly secureCookies: 'auto' | boolean;
  readonly onDenied: (reason: DeniedReason, client: string) => void;
}

/** The address failures are counted under (the proxy's, unless fastify's trustProxy names the client). */
export function clientOf(request: FastifyRequest): string {
  return request.ip;
}

/** Whether a cookie set in answer to `request` should be Secure. */
export function secureCookie(request: FastifyRequest, setting: 'auto' | boolean): boolean {
  if (setting !== 'auto') return setting;
  if (request.protocol === 'https') return true;
  // Trusting the header is harmless here: a spoofed value only makes the sender's own cookie stricter.
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/** A same-origin path to return to after login, or `/` for anything that could leave the origin. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes('\\')) return '/';
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/logout')) return '/';
  return value;
}

/** Answers 429 with Retry-After for a blocked client; JSON unless `html` is given. */
export function tooManyAttempts(reply: FastifyReply, blockedMs: number, html?: string): FastifyReply {
  const seconds = Math.max(1, Math.ceil(blockedMs / 1000));
  reply.code(429).header('retry-after', String(seconds)).header('cache-control', 'no-store');
  if (html !== undefined) return reply.type('text/html; charset=utf-8').send(html);
  return reply.send({ error: `too many failed attempts from this address; retry in ${seconds}s` });
}
