/**
 * Keyed fingerprints of secret values, so two copies of a token can be compared without either
 * value leaving the code that read it. The key is random per process: a fingerprint means nothing
 * outside the process that made it, and cannot be used to test guesses offline.
 */
import { createHmac, randomBytes } from 'node:crypto';

const key = randomBytes(32);

/** A short HMAC-SHA256 of `value`; equal values give equal fingerprints within this process. */
export function fingerprint(value: string | Buffer): string {
  return createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
}
