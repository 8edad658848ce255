/** A service says once that Redis went away and once that it is back, however many reconnects there are. */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { watchRedisHealth } from '../../src/io/redis-connection.ts';

describe('watchRedisHealth', () => {
  it('logs one line when Redis goes away and one when it is back, with the reason', () => {
    const client = new EventEmitter();
    const lines: string[] = [];
    let now = 1_000;
    watchRedisHealth(
      client as unknown as Redis,
      'redis://10.0.0.5:6379',
      (l) => lines.push(l),
      () => now,
    );
    client.emit('ready'); // the first connection is not a recovery
    for (let i = 0; i < 20; i++) {
      client.emit(
        'error',
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:6379'), { code: 'ECONNREFUSED' }),
      );
      client.emit('reconnecting');
    }
    now += 12_000;
    client.emit('ready');
    expect(lines).toEqual([
      'Redis at redis://10.0.0.5:6379 went away; reconnecting in the background (runs and polls wait until it is back)',
      'Redis at redis://10.0.0.5:6379 is back after 12s (was: ECONNREFUSED)',
    ]);
  });
});
