import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../../../src/server/auth/failure-limiter.ts';

const limits = { maxFailures: 3, windowMs: 60_000, maxClients: 2 };

describe('the failure limiter', () => {
  it('blocks a client after the limit until its window ends', () => {
    const limiter = createFailureLimiter(limits);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedForMs('a', 1000)).toBe(0);
      limiter.recordFailure('a', 1000 + i);
    }
    expect(limiter.blockedForMs('a', 2000)).toBe(59_000);
    expect(limiter.blockedForMs('b', 2000)).toBe(0);
    expect(limiter.blockedForMs('a', 61_000)).toBe(0);
  });

  it('starts a fresh window after the old one ends', () => {
    const limiter = createFailureLimiter(limits);
    limiter.recordFailure('a', 0);
    limiter.recordFailure('a', 1);
    limiter.recordFailure('a', 70_000);
    limiter.recordFailure('a', 70_001);
    expect(limiter.blockedForMs('a', 70_002)).toBe(0);
  });

  it('forgets the oldest client beyond maxClients', () => {
    const limiter = createFailureLimiter(limits);
    for (let i = 0; i < 3; i++) limiter.recordFailure('a', i);
    limiter.recordFailure('b', 10);
    limiter.recordFailure('c', 11);
    expect(limiter.blockedForMs('a', 12)).toBe(0);
  });
});
