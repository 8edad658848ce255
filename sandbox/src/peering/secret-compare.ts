/** Constant-time secret comparison, as Consul's `subtle.ConstantTimeCompare`, for any lengths. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether two secrets are equal, in time independent of where they differ or their lengths. */
export function secretsEqual(expected: string | undefined, given: string): boolean {
  if (expected === undefined || expected === '') return false;
  // Hashing first gives equal-length inputs, so timingSafeEqual never leaks the length.
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
