import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { fingerprint } from '../../src/secrets/fingerprint.ts';

const token = 'b1f0a9d2-6c3e-4e0b-9a57-1f2e3d4c5b6a';

describe('fingerprint', () => {
  it('is 32 hex characters that do not contain the value', () => {
    const print = fingerprint(token);
    expect(print).toMatch(/^[0-9a-f]{32}$/);
    expect(print).not.toContain(token.slice(0, 8));
  });

  it('gives equal values equal fingerprints, whether passed as string or Buffer', () => {
    expect(fingerprint(token)).toBe(fingerprint(token));
    expect(fingerprint(Buffer.from(token, 'utf8'))).toBe(fingerprint(token));
  });

  it('gives different values different fingerprints, even one character apart', () => {
    const other = `${token.slice(0, -1)}b`;
    expect(fingerprint(other)).not.toBe(fingerprint(token));
    expect(fingerprint('')).not.toBe(fingerprint(' '));
  });

  it('is keyed: not a plain SHA-256, so a guess cannot be checked offline', () => {
    const unkeyed = createHash('sha256').update(token).digest('hex').slice(0, 32);
    expect(fingerprint(token)).not.toBe(unkeyed);
  });

  it('uses a fresh random key for every fresh module instance (i.e. per process)', async () => {
    vi.resetModules();
    const fresh = await import('../../src/secrets/fingerprint.ts');
    expect(fresh.fingerprint(token)).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.fingerprint(token)).not.toBe(fingerprint(token));
  });
});
