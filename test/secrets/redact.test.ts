import { describe, expect, it } from 'vitest';
import { redact, redactValue, registerSecret, safeErrorMessage } from '../../src/secrets/redact.ts';

// The registry is process-wide, so every test registers its own distinct secret values.

/** A base64 JSON object shaped like a Consul peering token, long enough to match the token shape. */
const peeringToken = Buffer.from(
  JSON.stringify({
    CA: ['-----BEGIN CERTIFICATE-----MIIB'],
    ServerAddresses: ['10.0.0.1:8503'],
    ServerName: 'server.dc1.peering.consul',
    PeerID: '5f0c9a1e',
  }),
).toString('base64');

describe('registerSecret and redact', () => {
  it('masks a registered secret wherever it appears, however often', () => {
    const secret = 'tok-redact-everywhere-0123456789';
    registerSecret(secret);
    expect(redact(`${secret} then x${secret}y, again:${secret}\n${secret}`)).toBe(
      '[redacted] then x[redacted]y, again:[redacted]\n[redacted]',
    );
  });

  it('registers the trimmed value, so padding read from a file or env does not matter', () => {
    registerSecret('  \ttok-redact-padded-98765\n');
    expect(redact('header tok-redact-padded-98765 footer')).toBe('header [redacted] footer');
  });

  it('matches registered secrets literally, regular-expression characters included', () => {
    const secret = 'p@ss.w*rd+(x)?[1]$';
    registerSecret(secret);
    expect(redact(`pw=${secret}; pass-word+x1`)).toBe('pw=[redacted]; pass-word+x1');
  });

  it('ignores values shorter than 8 characters, blank or missing, and keeps those of exactly 8', () => {
    for (const value of ['seven7c', '', '        ', '  abc  ', undefined, null]) registerSecret(value);
    registerSecret('eight8ch');
    expect(redact('seven7c and abc stay, eight8ch goes')).toBe('seven7c and abc stay, [redacted] goes');
  });

  it('masks a secret that contains a shorter registered one whole, whatever the registration order', () => {
    registerSecret('inner-secret-0042');
    registerSecret('outer-inner-secret-0042-tail');
    expect(redact('v=outer-inner-secret-0042-tail and inner-secret-0042')).toBe(
      'v=[redacted] and [redacted]',
    );
  });

  it('leaves text with no secret and no credential shape byte for byte unchanged', () => {
    const text = [
      'GET https://consul.example:8501/v1/peering/dc2?dc=dc1&stale=true',
      'clone https://git@github.com/org/repo.git',
      'Bearer short; tokens=5; eyJshort',
      '{"name":"dc2","token_count":3}',
      'put it in REDIS_URL as redis://:PASSWORD@HOST:PORT',
    ].join('\n');
    expect(redact(text)).toBe(text);
  });
});

describe('credential shapes are masked without registration', () => {
  it.each([
    ['Authorization: Bearer abcdefgh12345678', 'Authorization: Bearer [redacted]'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [redacted]'],
    [
      'clone https://bot:hunter2secret@git.example.com/org/repo.git failed',
      'clone https://[redacted]@git.example.com/org/repo.git failed',
    ],
    ['redis://default:s3cret@redis:6379/0', 'redis://[redacted]@redis:6379/0'],
    ['redis://:pw7@redis:6379/0', 'redis://[redacted]@redis:6379/0'],
    [
      'fetch https://ghp_0123456789abcdefABCD@github.com/org/repo.git',
      'fetch https://[redacted]@github.com/org/repo.git',
    ],
    ['X-Consul-Token: 0f3c-9a11', 'X-Consul-Token: [redacted]'],
    ['{"X-Consul-Token":"0f3c-9a11"}', '{"X-Consul-Token":"[redacted]"}'],
    ['GET /v1/acl/token/self?token=0f3c9a11&dc=dc1', 'GET /v1/acl/token/self?token=[redacted]&dc=dc1'],
    [`peering token ${peeringToken} expired`, 'peering token [redacted] expired'],
    ['{"SecretID":"9d1c","PeeringToken":"abc"}', '{"SecretID":"[redacted]","PeeringToken":"[redacted]"}'],
    ['EstablishmentSecret = "e5f1"', 'EstablishmentSecret = "[redacted]"'],
    ['{"password": "hunter2", "user": "bot"}', '{"password": "[redacted]", "user": "bot"}'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe('redactValue', () => {
  it('deep-copies a JSON-like value, redacting every string and keeping other values', () => {
    const secret = 'tok-redact-value-5551234';
    registerSecret(secret);
    const input = {
      msg: `dial failed with ${secret}`,
      attempts: 3,
      ok: false,
      missing: null,
      nested: { lines: ['fine', `Bearer ${secret}`, 7], url: 'https://u:pw@host/x' },
    };
    const snapshot = structuredClone(input);
    const out = redactValue(input);
    expect(out).toEqual({
      msg: 'dial failed with [redacted]',
      attempts: 3,
      ok: false,
      missing: null,
      nested: { lines: ['fine', 'Bearer [redacted]', 7], url: 'https://[redacted]@host/x' },
    });
    expect(input).toEqual(snapshot);
    expect(out.nested).not.toBe(input.nested);
  });
});

describe('safeErrorMessage', () => {
  it('returns the redacted message of an Error, without its stack', () => {
    const secret = 'tok-redact-error-77665544';
    registerSecret(secret);
    const message = safeErrorMessage(new TypeError(`consul said 403 for token ${secret}`));
    expect(message).toBe('consul said 403 for token [redacted]');
  });

  it('stringifies and redacts anything else that was thrown', () => {
    expect(safeErrorMessage('failed: Bearer abcdefgh12345678')).toBe('failed: Bearer [redacted]');
    expect(safeErrorMessage(42)).toBe('42');
    expect(safeErrorMessage(undefined)).toBe('undefined');
  });
});
