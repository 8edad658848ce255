import { describe, expect, it } from 'vitest';
import {
  createSessionSigner,
  readCookie,
  sessionCookieHeader,
} from '../../../src/server/auth/session-cookie.ts';

const TOKEN = 'ui-token-0123456789abcdef';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 60 * 60_000;

describe('session cookies', () => {
  const signer = createSessionSigner(TOKEN, HOUR);

  it('accepts its own cookie until the expiry, then reports it expired', () => {
    const value = signer.issue(NOW);
    expect(signer.check(value, NOW)).toBe('valid');
    expect(signer.check(value, NOW + HOUR - 1000)).toBe('valid');
    expect(signer.check(value, NOW + HOUR)).toBe('expired');
  });

  it('never contains the token', () => {
    expect(signer.issue(NOW)).not.toContain(TOKEN);
  });

  it('refuses a changed expiry, a changed signature and garbage', () => {
    const value = signer.issue(NOW);
    const [version, expires, nonce, mac] = value.split('.');
    expect(signer.check(`${version}.${Number(expires) + 3600}.${nonce}.${mac}`, NOW)).toBe('invalid');
    const flipped = `${mac?.slice(0, -1)}${mac?.endsWith('A') ? 'B' : 'A'}`;
    expect(signer.check(`${version}.${expires}.${nonce}.${flipped}`, NOW)).toBe('invalid');
    expect(signer.check('v1.abc.def.ghi', NOW)).toBe('invalid');
    expect(signer.check('', NOW)).toBe('invalid');
  });

  it('refuses a cookie signed for another token, so rotating the token ends every session', () => {
    const other = createSessionSigner('another-token-0123456789', HOUR);
    expect(signer.check(other.issue(NOW), NOW)).toBe('invalid');
  });

  it('is accepted by another signer of the same token (another serve instance)', () => {
    expect(createSessionSigner(TOKEN, HOUR).check(signer.issue(NOW), NOW)).toBe('valid');
  });
});

describe('cookie headers', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; meshpeer_session=v1.x.y.z; b=2', 'meshpeer_session')).toBe('v1.x.y.z');
    expect(readCookie('a=1', 'meshpeer_session')).toBeUndefined();
    expect(readCookie(undefined, 'meshpeer_session')).toBeUndefined();
  });

  it('sets HttpOnly and SameSite=Strict always, Secure when asked', () => {
    expect(sessionCookieHeader('v', 60, false)).toBe(
      'meshpeer_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict',
    );
    expect(sessionCookieHeader('v', 60, true)).toMatch(/; Secure$/);
  });
});
