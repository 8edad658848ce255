import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/secrets/redact.ts';
import { describeUiAuth, parseUiAuthMode, uiAuthFromEnv } from '../../../src/server/auth/ui-auth.ts';

const TOKEN = 'tok-abcdefghijklmnopqrstuvwxyz';
const PASSWORD = 'pw-secret-value-42';

describe('uiAuthFromEnv', () => {
  it('auto picks the token when MESHPEER_UI_TOKEN is set, even beside a password', () => {
    expect(uiAuthFromEnv('auto', { MESHPEER_UI_TOKEN: TOKEN, MESHPEER_UI_PASSWORD: PASSWORD })).toEqual({
      mode: 'token',
      token: TOKEN,
      explicit: false,
    });
  });

  it('auto picks basic with user admin when only MESHPEER_UI_PASSWORD is set', () => {
    expect(uiAuthFromEnv('auto', { MESHPEER_UI_PASSWORD: PASSWORD })).toEqual({
      mode: 'basic',
      username: 'admin',
      password: PASSWORD,
      explicit: false,
    });
  });

  it('auto falls back to none, not explicit, when nothing is set or the variables are empty', () => {
    expect(uiAuthFromEnv('auto', {})).toEqual({ mode: 'none', explicit: false });
    expect(uiAuthFromEnv('auto', { MESHPEER_UI_TOKEN: '', MESHPEER_UI_PASSWORD: '  ' })).toEqual({
      mode: 'none',
      explicit: false,
    });
  });

  it('basic reads MESHPEER_UI_USERNAME', () => {
    expect(
      uiAuthFromEnv('basic', { MESHPEER_UI_USERNAME: 'ops', MESHPEER_UI_PASSWORD: PASSWORD }),
    ).toMatchObject({
      mode: 'basic',
      username: 'ops',
      explicit: true,
    });
  });

  it('an explicit none ignores the variables', () => {
    expect(uiAuthFromEnv('none', { MESHPEER_UI_TOKEN: TOKEN })).toEqual({ mode: 'none', explicit: true });
  });

  it('a chosen mode without its variable is a one-line error naming the variable', () => {
    const token = () => uiAuthFromEnv('token', { MESHPEER_UI_TOKEN: '', MESHPEER_UI_PASSWORD: PASSWORD });
    expect(token).toThrow(/^--ui-auth token needs MESHPEER_UI_TOKEN; [^\n]+$/);
    const basic = () => uiAuthFromEnv('basic', { MESHPEER_UI_TOKEN: TOKEN });
    expect(basic).toThrow(/^--ui-auth basic needs MESHPEER_UI_PASSWORD[^\n]+$/);
  });

  it('refuses a short token or password without quoting it', () => {
    const short = 'short-tok';
    expect(() => uiAuthFromEnv('auto', { MESHPEER_UI_TOKEN: short })).toThrow(/at least 16 characters/);
    try {
      uiAuthFromEnv('auto', { MESHPEER_UI_TOKEN: short });
    } catch (err) {
      expect(String(err)).not.toContain(short);
    }
    expect(() => uiAuthFromEnv('basic', { MESHPEER_UI_PASSWORD: 'pw' })).toThrow(
      /MESHPEER_UI_PASSWORD must be at least 8/,
    );
    expect(() =>
      uiAuthFromEnv('basic', { MESHPEER_UI_USERNAME: 'a:b', MESHPEER_UI_PASSWORD: PASSWORD }),
    ).toThrow(/MESHPEER_UI_USERNAME must not contain ":"/);
  });

  it('registers both secrets for redaction as soon as they are read', () => {
    const token = 'tok-registered-0123456789';
    const password = 'pw-registered-0123';
    uiAuthFromEnv('none', { MESHPEER_UI_TOKEN: token, MESHPEER_UI_PASSWORD: password });
    expect(redact(`failed with ${token} and ${password}`)).toBe('failed with [redacted] and [redacted]');
  });

  it('describes the mode without any secret', () => {
    const token = uiAuthFromEnv('auto', { MESHPEER_UI_TOKEN: TOKEN });
    const basic = uiAuthFromEnv('basic', { MESHPEER_UI_PASSWORD: PASSWORD });
    expect(describeUiAuth(token)).toBe('ui auth: bearer token from MESHPEER_UI_TOKEN (auto)');
    expect(describeUiAuth(basic)).toBe('ui auth: basic as user admin from MESHPEER_UI_PASSWORD (--ui-auth)');
    expect(describeUiAuth(basic)).not.toContain(PASSWORD);
  });
});

describe('parseUiAuthMode', () => {
  it('defaults to auto, reads MESHPEER_UI_AUTH, and lets the flag win', () => {
    expect(parseUiAuthMode(undefined, {})).toBe('auto');
    expect(parseUiAuthMode(undefined, { MESHPEER_UI_AUTH: '' })).toBe('auto');
    expect(parseUiAuthMode(undefined, { MESHPEER_UI_AUTH: 'basic' })).toBe('basic');
    expect(parseUiAuthMode('none', { MESHPEER_UI_AUTH: 'basic' })).toBe('none');
  });

  it('names the flag and the choices on a bad value', () => {
    expect(() => parseUiAuthMode('oidc', {})).toThrow(
      '--ui-auth (MESHPEER_UI_AUTH): must be one of auto, token, basic, none, got "oidc"',
    );
  });
});
