/**
 * Checks the credentials a request carries against the configured authentication: a bearer
 * token or the session cookie in token mode, HTTP Basic in basic mode. Secrets are compared in
 * constant time, and nothing here ever puts a presented or expected value into a result.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { constantTimeEqual } from '../webhooks/constant-time.ts';
import { createSessionSigner, readCookie, SESSION_COOKIE, type SessionSigner } from './session-cookie.ts';
import type { UiAuth } from './ui-auth.ts';

/** Why a request was refused; a closed set, fit for a metric label. */
export type DeniedReason =
  | 'missing'
  | 'invalid_token'
  | 'invalid_password'
  | 'invalid_session'
  | 'expired_session'
  | 'rate_limited'
  | 'cross_origin';

/** The verdict on one request's credentials. */
export type CredentialCheck =
  | { readonly ok: true; readonly via: 'none' | 'bearer' | 'basic' | 'cookie' }
  | { readonly ok: false; readonly reason: DeniedReason; readonly guess: boolean };

/** A wrong secret is a guess (the limiter counts it); a stale or foreign cookie is not. */
const denied = (reason: DeniedReason, guess: boolean): CredentialCheck => ({ ok: false, reason, guess });

/** The credentials of an Authorization header with the given scheme, or undefined. */
function authorization(headers: IncomingHttpHeaders, scheme: 'Bearer' | 'Basic'): string | undefined {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return undefined;
  return value.slice(space + 1).trim();
}

function checkToken(
  headers: IncomingHttpHeaders,
  token: string,
  signer: SessionSigner,
  nowMs: number,
): CredentialCheck {
  const bearer = authorization(headers, 'Bearer');
  if (bearer !== undefined && constantTimeEqual(bearer, token)) return { ok: true, via: 'bearer' };
  const cookie = readCookie(headers.cookie, SESSION_COOKIE);
  const session = cookie === undefined || cookie === '' ? undefined : signer.check(cookie, nowMs);
  // A valid cookie wins over a foreign Authorization header (a proxy in front may add its own).
  if (session === 'valid') return { ok: true, via: 'cookie' };
  if (headers.authorization !== undefined) return denied('invalid_token', true);
  if (session === 'expired') return denied('expired_session', false);
  if (session === 'invalid') return denied('invalid_session', false);
  return denied('missing', false);
}

function checkBasic(headers: IncomingHttpHeaders, username: string, password: string): CredentialCheck {
  const encoded = authorization(headers, 'Basic');
  if (encoded === undefined)
    return headers.authorization === undefined ? denied('missing', false) : denied('invalid_password', true);
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return denied('invalid_password', true);
  // Both comparisons always run, so timing does not tell a wrong user from a wrong password.
  const userOk = constantTimeEqual(decoded.slice(0, colon), username);
  const passwordOk = constantTimeEqual(decoded.slice(colon + 1), password);
  return userOk && passwordOk ? { ok: true, via: 'basic' } : denied('invalid_password', true);
}

/** What a request is checked against: the configured secrets plus, in token mode, the session signer. */
export type Verifier =
  | { readonly mode: 'none' }
  | { readonly mode: 'token'; readonly token: string; readonly sessions: SessionSigner }
  | { readonly mode: 'basic'; readonly username: string; readonly password: string };

/** The verifier for `auth`; token mode signs sessions that last `sessionTtlMs`. */
export function verifierFor(auth: UiAuth, sessionTtlMs: number): Verifier {
  if (auth.mode === 'token')
    return { mode: 'token', token: auth.token, sessions: createSessionSigner(auth.token, sessionTtlMs) };
  if (auth.mode === 'basic') return { mode: 'basic', username: auth.username, password: auth.password };
  return { mode: 'none' };
}

/** Checks one request's headers against `verifier`. */
export function checkCredentials(
  headers: IncomingHttpHeaders,
  verifier: Verifier,
  nowMs: number,
): CredentialCheck {
  if (verifier.mode === 'none') return { ok: true, via: 'none' };
  if (verifier.mode === 'basic') return checkBasic(headers, verifier.username, verifier.password);
  return checkToken(headers, verifier.token, verifier.sessions, nowMs);
}
