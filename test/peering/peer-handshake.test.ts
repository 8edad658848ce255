import { type handleUnaryCall, Server, type ServerDuplexStream, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createAcceptorIdentity } from '../../sandbox/src/peering/acceptor-identity.ts';
import {
  createPeeringServerCredentials,
  type PeeringServerTls,
} from '../../sandbox/src/peering/server-credentials.ts';
import {
  type ExchangeSecretRequest,
  type ExchangeSecretResponse,
  PeerStreamServiceService,
  type ReplicationMessage,
} from '../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { checkPeerHandshake, type HandshakeTarget } from '../../src/peering/index.ts';
import { type AcceptorFixture, startAcceptor, startCluster } from './fixtures.ts';
import { startRelay } from './tcp-relay.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function acceptor(): Promise<AcceptorFixture> {
  const fixture = await startAcceptor();
  cleanups.push(() => fixture.close());
  return fixture;
}

/** What the dialer's Consul stores for a peering with this acceptor. */
function targetOf(acc: AcceptorFixture, addresses = [acc.address]): HandshakeTarget {
  return { addresses, serverName: acc.identity.serverName, caPems: [acc.identity.ca.certPem] };
}

/** A TLS gRPC server with the peering identity that answers ExchangeSecret its own way, or not at all. */
async function impostor(
  tls: PeeringServerTls,
  exchangeSecret?: handleUnaryCall<ExchangeSecretRequest, ExchangeSecretResponse>,
): Promise<string> {
  const server = new Server();
  if (exchangeSecret !== undefined)
    server.addService(PeerStreamServiceService, {
      exchangeSecret,
      streamResources: (call: ServerDuplexStream<ReplicationMessage, ReplicationMessage>) => call.end(),
    });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', createPeeringServerCredentials(tls), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  cleanups.push(() => new Promise((resolve) => server.tryShutdown(() => resolve())));
  return `127.0.0.1:${port}`;
}

describe('checkPeerHandshake', () => {
  it("passes on Consul's PermissionDenied for a random peer and creates nothing", async () => {
    const acc = await acceptor();
    const existing = acc.token('real');
    const report = await checkPeerHandshake(targetOf(acc));
    expect(report.failure).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.address).toBe(acc.address);
    expect(report.stages.map((s) => [s.stage, s.ok])).toEqual([
      ['connect', true],
      ['exchange-secret', true],
    ]);
    expect(report.attempts).toHaveLength(1);
    // The real peering's establishment secret is untouched and no stream secret appeared.
    expect(acc.store.secrets(existing.PeerID)?.establishment).toBe(existing.EstablishmentSecret);
    expect(acc.store.secrets(existing.PeerID)?.pendingStream).toBeUndefined();
  });

  it("names a CA mismatch when the server's certificate is not signed by the peer's CA", async () => {
    const acc = await acceptor();
    const other = await createAcceptorIdentity({ datacenter: 'dc1' });
    const report = await checkPeerHandshake({ ...targetOf(acc), caPems: [other.ca.certPem] });
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({ stage: 'connect', code: 'tls-ca' });
    expect(report.failure?.message).toContain("not signed by the token's CA");
  });

  it('names a server name mismatch at a server (certificate) and at a gateway (no route)', async () => {
    const acc = await acceptor();
    const wrongName = 'server.dc1.peering.wrong.consul';
    const atServer = await checkPeerHandshake({ ...targetOf(acc), serverName: wrongName });
    expect(atServer.failure).toMatchObject({ stage: 'connect', code: 'tls-sni' });
    expect(atServer.failure?.message).toContain("does not match the token's ServerName");

    // A gateway with no route for the name closes the connection before any ServerHello.
    const gateway = await startRelay(() => undefined);
    cleanups.push(() => gateway.close());
    const atGateway = await checkPeerHandshake({
      ...targetOf(acc, [gateway.address]),
      serverName: wrongName,
    });
    expect(atGateway.failure).toMatchObject({ stage: 'connect', code: 'tls-sni' });
    expect(atGateway.failure?.message).toContain(
      `no route for the server name "${wrongName}" at the gateway`,
    );
  });

  it('names a refused connection when nothing listens (the gateway is down)', async () => {
    const acc = await acceptor();
    const report = await checkPeerHandshake(targetOf(acc, ['127.0.0.1:1']));
    expect(report.failure).toMatchObject({ stage: 'connect', code: 'connect' });
    expect(report.failure?.message).toMatch(/^127\.0\.0\.1:1: cannot connect/);
  });

  it('tries the addresses in order and reports the one that answered', async () => {
    const acc = await acceptor();
    const report = await checkPeerHandshake(targetOf(acc, ['127.0.0.1:1', acc.address]));
    expect(report.ok).toBe(true);
    expect(report.address).toBe(acc.address);
    expect(report.attempts.map((a) => [a.address, a.ok, a.failure?.code])).toEqual([
      ['127.0.0.1:1', false, 'connect'],
      [acc.address, true, undefined],
    ]);
  });

  it('reports the deepest failure when every address fails', async () => {
    const acc = await acceptor();
    const other = await createAcceptorIdentity({ datacenter: 'dc1' });
    const report = await checkPeerHandshake({
      ...targetOf(acc, ['127.0.0.1:1', acc.address]),
      caPems: [other.ca.certPem],
    });
    expect(report.failure).toMatchObject({ stage: 'connect', code: 'tls-ca' });
    expect(report.address).toBe(acc.address);
    expect(report.failure?.message).toContain('also tried 127.0.0.1:1: connect');
  });

  it('passes through a follower, which answers ExchangeSecret as Consul forwards it to the leader', async () => {
    const cluster = await startCluster();
    cleanups.push(() => cluster.close());
    const report = await checkPeerHandshake({
      addresses: [cluster.followerAddress],
      serverName: cluster.identity.serverName,
      caPems: [cluster.identity.ca.certPem],
    });
    expect(report.failure).toBeUndefined();
    expect(report.address).toBe(cluster.followerAddress);
  });

  it('passes through a gateway that routes the server name', async () => {
    const acc = await acceptor();
    const gateway = await startRelay(() => acc.address);
    cleanups.push(() => gateway.close());
    const report = await checkPeerHandshake(targetOf(acc, [gateway.address]));
    expect(report.ok).toBe(true);
    expect(gateway.connections()).toBe(2);
  });

  it('reports a server that accepts a random secret as not Consul, without its stream secret', async () => {
    const acc = await acceptor();
    const address = await impostor(acc.identity.tls, (_call, callback) =>
      callback(null, { StreamSecret: 'stream-secret-from-impostor' }),
    );
    const report = await checkPeerHandshake(targetOf(acc, [address]));
    expect(report.failure).toMatchObject({ stage: 'exchange-secret', code: 'not-consul' });
    expect(report.failure?.message).toContain('accepted a random peer ID and secret');
    expect(JSON.stringify(report)).not.toContain('stream-secret-from-impostor');
  });

  it('reports a gRPC server without the peering service, or with another refusal, as not Consul', async () => {
    const acc = await acceptor();
    const bare = await impostor(acc.identity.tls);
    const unimplemented = await checkPeerHandshake(targetOf(acc, [bare]));
    expect(unimplemented.failure).toMatchObject({ stage: 'exchange-secret', code: 'not-consul' });
    expect(unimplemented.failure?.message).toContain("does not implement Consul's PeerStreamService");

    const odd = await impostor(acc.identity.tls, (_call, callback) =>
      callback({ code: status.PERMISSION_DENIED, details: 'token lacks permission' }),
    );
    const denied = await checkPeerHandshake(targetOf(acc, [odd]));
    expect(denied.failure).toMatchObject({ stage: 'exchange-secret', code: 'not-consul' });
    expect(denied.failure?.message).toContain('PermissionDenied "token lacks permission"');
  });

  it('refuses targets without addresses or CA before dialing', async () => {
    const none = await checkPeerHandshake({ addresses: [], serverName: 's', caPems: ['x'] });
    expect(none.failure).toMatchObject({ code: 'connect' });
    expect(none.failure?.message).toContain('PeerServerAddresses is empty');
    const noCa = await checkPeerHandshake({ addresses: ['127.0.0.1:1'], serverName: 's', caPems: [] });
    expect(noCa.failure).toMatchObject({ code: 'tls-ca' });
    expect(noCa.attempts).toEqual([]);
  });
});
