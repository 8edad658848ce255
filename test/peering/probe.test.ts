import { afterEach, describe, expect, it } from 'vitest';
import { createAcceptorIdentity } from '../../sandbox/src/peering/acceptor-identity.ts';
import { probe } from '../../src/peering/probe.ts';
import { type AcceptorFixture, startAcceptor, trustBundle } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function acceptor(overrides: Parameters<typeof startAcceptor>[0] = {}): Promise<AcceptorFixture> {
  const fixture = await startAcceptor(overrides);
  cleanups.push(() => fixture.close());
  return fixture;
}

describe('probe', () => {
  it('runs every stage against a healthy acceptor and closes cleanly', async () => {
    const acc = await acceptor();
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    const report = await probe(token, {
      heartbeatIntervalMs: 50,
      local: { Partition: 'default', Datacenter: 'dc7', Locality: undefined },
    });
    expect(report.failure).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.address).toBe(acc.address);
    expect(report.stages.map((s) => s.stage)).toEqual([
      'validate',
      'connect',
      'exchange-secret',
      'open',
      'subscriptions',
      'heartbeat',
      'trust-bundle',
      'close',
    ]);
    for (const stage of report.stages) {
      expect(stage.ok).toBe(true);
      expect(stage.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(acc.store.peeringByID(token.PeerID)?.remote?.Datacenter).toBe('dc7');
    expect(acc.server.isConnected(token.PeerID)).toBe(false);
  });

  it('reports a used establishment secret at the exchange stage', async () => {
    const acc = await acceptor();
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    expect((await probe(token, { heartbeatIntervalMs: 50 })).ok).toBe(true);
    const again = await probe(token, { heartbeatIntervalMs: 50 });
    expect(again.ok).toBe(false);
    expect(again.failure).toMatchObject({ stage: 'exchange-secret', code: 'secret-used' });
    expect(again.failure?.message).toContain('invalid peering establishment secret');
  });

  it('names TLS failures: wrong CA and wrong SNI', async () => {
    const acc = await acceptor();
    const other = await createAcceptorIdentity({ datacenter: 'dc1' });
    const wrongCa = await probe({ ...acc.token('a'), CA: [other.ca.certPem] });
    expect(wrongCa.failure).toMatchObject({ stage: 'connect', code: 'tls-ca' });
    const wrongSni = await probe({ ...acc.token('b'), ServerName: 'server.dc1.peering.wrong.consul' });
    expect(wrongSni.failure).toMatchObject({ stage: 'connect', code: 'tls-sni' });
  });

  it('names connect failures, refused streams, invalid tokens and timeouts', async () => {
    const acc = await acceptor();
    const refused = await probe({ ...acc.token('a'), ServerAddresses: ['127.0.0.1:1'] });
    expect(refused.failure).toMatchObject({ stage: 'connect', code: 'connect' });

    const invalid = await probe({ ...acc.token('b'), PeerID: '' });
    expect(invalid.failure).toMatchObject({ stage: 'validate', code: 'invalid-token' });

    // No trust bundle is exported here, so the probe waits at trust-bundle until its deadline.
    const silent = await probe(acc.token('d'), { heartbeatIntervalMs: 50, timeoutMs: 500 });
    expect(silent.failure).toMatchObject({ stage: 'trust-bundle', code: 'timeout' });

    const follower = await acceptor({
      leadership: { isLeader: () => false, leaderAddress: () => '10.0.0.9:8300' },
    });
    const refusedStream = await probe(follower.token('e'), { heartbeatIntervalMs: 50 });
    expect(refusedStream.failure).toMatchObject({ stage: 'open', code: 'follower' });
  });
});
