import { createHash } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The idempotency key of a delivery: the provider's delivery header when it is a plain id, else a
 * hash of the body, so identical replays of an old GitLab (no event UUID) are still caught.
 */
export function deliveryIdOf(header: string | undefined, body: Buffer): string {
  if (header !== undefined && SAFE_ID.test(header)) return header;
  return `body-${createHash('sha256').update(body).digest('hex')}`;
}
