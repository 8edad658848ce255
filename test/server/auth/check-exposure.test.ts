import { describe, expect, it } from 'vitest';
import { checkExposure, isLoopbackHost } from '../../../src/server/auth/check-exposure.ts';
import type { UiAuth } from '../../../src/server/auth/ui-auth.ts';

const autoNone: UiAuth = { mode: 'none', explicit: false };
const explicitNone: UiAuth = { mode: 'none', explicit: true };
const token: UiAuth = { mode: 'token', token: 'ui-token-0123456789abcdef', explicit: false };

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['meshpeer.internal', false],
    ['128.0.0.1', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('checkExposure', () => {
  it('refuses 0.0.0.0 when auto found no credentials, saying what to set or pass', () => {
    const verdict = checkExposure('0.0.0.0', autoNone);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error).toContain('MESHPEER_UI_TOKEN');
    expect(verdict.error).toContain('--ui-auth none');
    expect(verdict.error).not.toContain('\n');
  });

  it('refuses every non-loopback address, IPv6 included', () => {
    expect(checkExposure('::', autoNone).ok).toBe(false);
    expect(checkExposure('10.0.0.5', autoNone).ok).toBe(false);
  });

  it('allows an explicit --ui-auth none anywhere, with a warning to log', () => {
    expect(checkExposure('0.0.0.0', explicitNone)).toEqual({
      ok: true,
      warning: expect.stringContaining('need no credentials (--ui-auth none)'),
    });
  });

  it('allows no auth on loopback and any auth anywhere, without a warning', () => {
    expect(checkExposure('127.0.0.1', autoNone)).toEqual({ ok: true });
    expect(checkExposure('::1', autoNone)).toEqual({ ok: true });
    expect(checkExposure('0.0.0.0', token)).toEqual({ ok: true });
  });
});
