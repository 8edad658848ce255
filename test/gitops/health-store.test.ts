/**
 * Live health in Redis: each observation replaces a peering's entry, a peering that left the
 * topology disappears (never shown green after a prune), and only changes of state are reported.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HealthStore } from '../../src/gitops/health-store.ts';
import type { PeeringHealth } from '../../src/gitops/peering-health.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(async () => {
  await redis.quit();
});

const health = (
  id: string,
  state: PeeringHealth['state'],
  at = '2026-12-03T12:00:00.000Z',
): PeeringHealth => {
  const [acceptor = '', dialer = ''] = id.split('>');
  return { id, acceptor, dialer, state, detail: state, observedAt: at, source: 'check' };
};

describe('the health store', () => {
  const store = new HealthStore(redis, `health-${process.pid}-${Date.now()}`);
  const target = 'acme/mesh@main';
  const AB = 'a/default>b/default';
  const AC = 'a/default>c/default';

  it('records the newest observation and reports only changes of state', async () => {
    const first = await store.record(target, [health(AB, 'healthy'), health(AC, 'healthy')], [AB, AC]);
    expect(first.map((t) => [t.health.id, t.from, t.health.state])).toEqual([
      [AB, undefined, 'healthy'],
      [AC, undefined, 'healthy'],
    ]);
    const later = '2026-12-03T12:03:00.000Z';
    const second = await store.record(
      target,
      [health(AB, 'healthy', later), health(AC, 'missing', later)],
      [AB, AC],
    );
    expect(second.map((t) => [t.health.id, t.from, t.health.state])).toEqual([[AC, 'healthy', 'missing']]);
    expect((await store.get(target)).map((h) => [h.id, h.state, h.observedAt])).toEqual([
      [AB, 'healthy', later],
      [AC, 'missing', later],
    ]);
  });

  it('drops a peering removed from the topology, and keeps an unobserved one as it was', async () => {
    await store.record(target, [], [AB]);
    expect((await store.get(target)).map((h) => h.id)).toEqual([AB]);
    // An observation of a peering no longer in the topology is not stored either.
    await store.record(target, [health(AC, 'healthy')], [AB]);
    expect((await store.get(target)).map((h) => h.id)).toEqual([AB]);
  });
});
