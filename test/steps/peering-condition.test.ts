import { describe, expect, it } from 'vitest';
import type { ConsulPeering } from '../../src/consul/consul-client.ts';
import { peeringCondition } from '../../src/steps/peering-condition.ts';

const now = Date.parse('2026-12-03T10:00:00Z');
const params = {
  acceptor: { peerName: 'cluster-01', partition: 'default' },
  dialer: { peerName: 'cluster-02', partition: 'default' },
  dialerImports: ['static-server'],
  acceptorImports: [],
  heartbeatMaxAgeMs: 45_000,
};
const side = (over: Partial<ConsulPeering> = {}, agoMs = 5_000, imports: string[] = []): ConsulPeering => ({
  ID: 'id',
  Name: 'x',
  State: 'ACTIVE',
  StreamStatus: { LastReceive: new Date(now - agoMs).toISOString(), ImportedServices: imports },
  ...over,
});

describe('a peering condition from both Consul sides', () => {
  it('is healthy when both are ACTIVE, receiving and importing what is exported', () => {
    expect(peeringCondition(side(), side({}, 1000, ['static-server']), params, now)).toEqual({
      state: 'healthy',
    });
  });

  it('is missing when a side has no such peering, naming the side', () => {
    expect(peeringCondition(side(), undefined, params, now)).toMatchObject({
      state: 'missing',
      detail: 'stream: the dialer has no such peering in Consul',
    });
  });

  it('is failing when a side is FAILING or TERMINATED, with a fix for each', () => {
    const failing = peeringCondition(side({ State: 'FAILING' }), side(), params, now);
    expect(failing).toMatchObject({ state: 'failing', detail: 'stream: the acceptor side is FAILING' });
    const terminated = peeringCondition(side({ State: 'TERMINATED' }), side(), params, now);
    expect(terminated.state === 'failing' && terminated.fix).toContain('rotates the token');
  });

  it('is stale when ACTIVE but quiet for longer than the bound (hashicorp/consul#22868)', () => {
    const quiet = peeringCondition(side({}, 130_000), side({}, 1000, ['static-server']), params, now);
    expect(quiet).toMatchObject({
      state: 'stale',
      detail: 'stream: the acceptor last heard from its peer 130 s ago (bound 45 s)',
    });
  });

  it('is stale when the dialer does not import what the acceptor exports', () => {
    expect(peeringCondition(side(), side(), params, now)).toMatchObject({
      state: 'stale',
      detail: 'exports: the dialer does not import static-server yet',
    });
  });
});
