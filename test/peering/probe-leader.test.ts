import { afterEach, describe, expect, it } from 'vitest';
import { buildAcceptorToken } from '../../sandbox/src/peering/acceptor-identity.ts';
import { probe } from '../../src/peering/probe.ts';
import { type ClusterFixture, startAcceptor, startCluster, trustBundle } from './fixtures.ts';
import { startRelay } from './tcp-relay.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cluster(...args: Parameters<typeof startCluster>): Promise<ClusterFixture> {
  const fixture = await startCluster(...args);
  cleanups.push(() => fixture.close());
  return fixture;
}

/** A token for a new peering on the cluster, with its trust bundle exported. */
function tokenFor(c: ClusterFixture, serverAddresses: string[]) {
  const generated = c.store.generate('probe');
  c.store.exports(generated.peering.id).setTrustBundle(trustBundle(c.identity));
  return buildAcceptorToken(c.identity, generated, { serverAddresses });
}

describe('probe against several servers', () => {
  it('follows the leader address a follower names, exchanging the secret only once', async () => {
    const c = await cluster();
    const token = tokenFor(c, [c.followerAddress, c.leaderAddress]);
    const report = await probe(token, { heartbeatIntervalMs: 50 });
    expect(report.failure).toBeUndefined();
    expect(report.address).toBe(c.leaderAddress);
    expect(report.stages.filter((s) => s.stage === 'exchange-secret')).toHaveLength(1);
    expect(c.leader.streamStatus(token.PeerID)).toBeDefined();
    expect(c.follower.streamStatus(token.PeerID)).toBeUndefined();
  });

  it('retries the same gateway address until the gateway lands on the leader', async () => {
    // The follower's hint is a Raft address no dial address matches, as behind a real gateway.
    const c = await cluster({}, '10.0.0.9:8300');
    // Connection 1 is the TLS check, 2 carries the exchange and the first Open, 3 the retry.
    const gateway = await startRelay((n) => (n <= 2 ? c.followerAddress : c.leaderAddress));
    cleanups.push(() => gateway.close());
    const token = tokenFor(c, [gateway.address]);
    const report = await probe(token, { heartbeatIntervalMs: 50 });
    expect(report.failure).toBeUndefined();
    expect(report.address).toBe(gateway.address);
    expect(gateway.connections()).toBe(3);
  });

  it('gives up with the follower refusal when no attempt reaches a leader', async () => {
    const c = await cluster({}, '10.0.0.9:8300');
    const report = await probe(tokenFor(c, [c.followerAddress]), { heartbeatIntervalMs: 50 });
    expect(report.failure).toMatchObject({ stage: 'open', code: 'follower' });
    expect(report.failure?.message).toContain('cannot establish a peering stream on a follower node');
  });

  it("stops retrying at the probe's deadline and reports it at the open stage", async () => {
    const c = await cluster({}, '10.0.0.9:8300');
    const report = await probe(tokenFor(c, [c.followerAddress]), { heartbeatIntervalMs: 50, timeoutMs: 100 });
    expect(report.failure).toMatchObject({ stage: 'open', code: 'timeout' });
  });
});

describe('probe without waiting for a heartbeat', () => {
  it('succeeds before the first heartbeat and has no heartbeat stage', async () => {
    // Consul's acceptor heartbeats only every 15 s; this one never does within the test.
    const acc = await startAcceptor({ heartbeatIntervalMs: 600_000 });
    cleanups.push(() => acc.close());
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    const report = await probe(token, { heartbeatIntervalMs: 600_000, awaitHeartbeat: false });
    expect(report.failure).toBeUndefined();
    expect(report.stages.map((s) => s.stage)).toEqual([
      'validate',
      'connect',
      'exchange-secret',
      'open',
      'subscriptions',
      'trust-bundle',
      'close',
    ]);
  });

  it('waits for it by default, so a silent acceptor fails at the heartbeat stage', async () => {
    const acc = await startAcceptor({ heartbeatIntervalMs: 600_000 });
    cleanups.push(() => acc.close());
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    const report = await probe(token, { heartbeatIntervalMs: 600_000, timeoutMs: 500 });
    expect(report.failure).toMatchObject({ stage: 'heartbeat', code: 'timeout' });
  });
});
