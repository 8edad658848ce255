/**
 * The browser session of token mode: a cookie holding an expiry and an HMAC over it. The key is
 * derived from the UI token, so every serve instance behind a load balancer accepts the same
 * cookie, sessions survive restarts, and changing MESHPEER_UI_TOKEN revokes every session at once.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../webhooks/constant-time.ts';

/** The cookie's name; one per origin. */
export const SESSION_COOKIE = 'meshpeer_session';

/** How a presented cookie fared. */
export type SessionCheck = 'valid' | 'invalid' | 'expired';

/** Signs and checks session cookies for one token. */
export interface SessionSigner {
  /** A fresh cookie value that expires at `nowMs + ttlMs`. */
  issue(nowMs: number): string;
  check(value: string, nowMs: number): SessionCheck;
  readonly ttlMs: number;
}

const VERSION = 'v1';

/** Derives the session key from the token (never the token itself, so a cookie reveals nothing of it). */
export function createSessionSigner(token: string, ttlMs: number): SessionSigner {
  const key = createHmac('sha256', token).update('meshpeer ui session key v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    ttlMs,
    issue(nowMs) {
      const expires = Math.floor((nowMs + ttlMs) / 1000);
      const payload = `${VERSION}.${expires}.${randomBytes(12).toString('base64url')}`;
      return `${payload}.${mac(payload)}`;
    },
    check(value, nowMs) {
      const parts = value.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) return 'invalid';
      const [version, expires, nonce, signature] = parts;
      if (signature === undefined || !/^\d{1,12}$/.test(expires ?? '')) return 'invalid';
      if (!constantTimeEqual(signature, mac(`${version}.${expires}.${nonce}`))) return 'invalid';
      // The expiry is only trusted after the signature, so a forged far-future expiry never counts.
      return Number(expires) * 1000 > nowMs ? 'valid' : 'expired';
    },
  };
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header for `value` (an empty value with maxAge 0 clears the cookie). */
export function sessionCookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
