import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createAcceptorIdentity } from '../../sandbox/src/peering/acceptor-identity.ts';
import {
  type DialerEvent,
  dialPeer,
  exchangeTokenSecret,
  startPeerStream,
} from '../../sandbox/src/peering/dialer.ts';
import type {
  PeerStreamServiceClient,
  ReplicationMessage,
} from '../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { LeaderAddress } from '../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { Status } from '../../src/peering/generated/private/pbstatus/status.ts';
import type { ImportedState } from '../../src/peering/imported-state.ts';
import { createPeerClient, targetFromToken } from '../../src/peering/peer-client.ts';
import { PeeringError } from '../../src/peering/peering-error.ts';
import type { PeeringToken } from '../../src/peering/peering-token.ts';
import { type AcceptorFixture, instance, startAcceptor, until } from './fixtures.ts';

const local = { Partition: 'default', Datacenter: 'dc2', Locality: undefined };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function acceptor(overrides: Parameters<typeof startAcceptor>[0] = {}): Promise<AcceptorFixture> {
  const fixture = await startAcceptor(overrides);
  cleanups.push(() => fixture.close());
  return fixture;
}

async function rejection(promise: Promise<unknown>): Promise<PeeringError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PeeringError);
  return error as PeeringError;
}

/** A raw StreamResources call, to play a misbehaving or silent dialer. */
function rawStream(token: PeeringToken, address: string) {
  const client: PeerStreamServiceClient = createPeerClient(address, targetFromToken(token));
  cleanups.push(() => client.close());
  const call = client.streamResources();
  const received: ReplicationMessage[] = [];
  call.on('data', (m: ReplicationMessage) => received.push(m));
  const ended = new Promise<ServiceError | undefined>((resolve) => {
    call.on('error', (e: ServiceError) => resolve(e));
    call.on('end', () => resolve(undefined));
  });
  return { call, received, ended };
}

describe('refusals and failures the dialer detects', () => {
  it('refuses a reused establishment secret with PermissionDenied', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    const dialer = await dialPeer(token, { local });
    cleanups.push(() => dialer.close());
    const error = await rejection(dialPeer(token, { local }));
    expect(error.code).toBe('secret-used');
    expect(error.grpcCode).toBe(status.PERMISSION_DENIED);
    expect(error.message).toBe('a new peering token must be generated: invalid peering establishment secret');
    expect(error.message).not.toContain(token.EstablishmentSecret);
  });

  it('refuses a wrong stream secret with PermissionDenied "invalid peering stream secret"', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    await exchangeTokenSecret(token);
    const events: DialerEvent[] = [];
    const dialer = startPeerStream(targetFromToken(token), 'not-the-stream-secret', {
      local,
      onEvent: (e) => events.push(e),
      backoff: { baseMs: 60_000 },
    });
    cleanups.push(() => dialer.close());
    await until(() => events.some((e) => e.type === 'disconnected'));
    const disconnected = events.find((e) => e.type === 'disconnected');
    const error = disconnected && 'error' in disconnected ? disconnected.error : undefined;
    expect(error?.code).toBe('stream-refused');
    expect(error?.grpcCode).toBe(status.PERMISSION_DENIED);
    expect(error?.message).toContain('invalid peering stream secret');
    expect(dialer.state()).toBe('backoff');
    expect(acc.server.isConnected(token.PeerID)).toBe(false);
  });

  it('fails in TLS with a precise reason when the token carries the wrong CA', async () => {
    const acc = await acceptor();
    const other = await createAcceptorIdentity({ datacenter: 'dc1' });
    const token = { ...acc.token('p'), CA: [other.ca.certPem] };
    const error = await rejection(dialPeer(token, { local }));
    expect(error.code).toBe('tls-ca');
    expect(error.message).toMatch(/not signed by the token's CA/);
  });

  it('fails in TLS when the token carries the wrong ServerName (SNI)', async () => {
    const acc = await acceptor();
    const token = { ...acc.token('p'), ServerName: 'server.dc9.peering.other.consul' };
    const error = await rejection(dialPeer(token, { local }));
    expect(error.code).toBe('tls-sni');
    expect(error.message).toMatch(/does not match the token's ServerName/);
  });

  it('reports connect failures for every address', async () => {
    const acc = await acceptor();
    const token = { ...acc.token('p'), ServerAddresses: ['127.0.0.1:1'] };
    const error = await rejection(dialPeer(token, { local }));
    expect(error.code).toBe('connect');
    expect(error.message).toMatch(/failed to exchange peering secret: 127\.0\.0\.1:1: cannot connect/);
  });

  it('refuses a stream whose first message is not Open with InvalidArgument', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    const raw = rawStream(token, acc.address);
    raw.call.write({ Payload: { $case: 'heartbeat', value: {} } });
    const error = await raw.ended;
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toBe('first message when initiating a peering must be: Open');
  });

  it('refuses Opens for unknown and deleted peerings with Consul codes', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    const unknown = rawStream(token, acc.address);
    unknown.call.write({
      Payload: { $case: 'open', value: { PeerID: 'nope', StreamSecretID: 'x', Remote: undefined } },
    });
    const unknownError = await unknown.ended;
    expect(unknownError?.code).toBe(status.INVALID_ARGUMENT);
    expect(unknownError?.details).toBe('initial subscription for unknown PeerID: nope');

    acc.store.delete(token.PeerID);
    const deleted = rawStream(token, acc.address);
    deleted.call.write({
      Payload: { $case: 'open', value: { PeerID: token.PeerID, StreamSecretID: 'x', Remote: undefined } },
    });
    const deletedError = await deleted.ended;
    expect(deletedError?.code).toBe(status.ABORTED);
    expect(deletedError?.details).toBe(`peering is marked as deleted: ${token.PeerID}`);
    expect(deleted.received.map((m) => m.Payload?.$case)).toEqual(['terminated']);
  });

  it('allows one stream per peering', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    const secret = await exchangeTokenSecret(token);
    const first = startPeerStream(targetFromToken(token), secret, { local });
    cleanups.push(() => first.close());
    await until(() => first.state() === 'active');
    const raw = rawStream(token, acc.address);
    raw.call.write({
      Payload: { $case: 'open', value: { PeerID: token.PeerID, StreamSecretID: secret, Remote: undefined } },
    });
    const error = await raw.ended;
    expect(error?.code).toBe(status.UNKNOWN);
    expect(error?.details).toBe('failed to register stream: there is an active stream for the given PeerID');
  });

  it('closes a stream after the idle timeout when no heartbeat arrives', async () => {
    const acc = await acceptor({ heartbeatIntervalMs: 50, idleTimeoutMs: 300 });
    const token = acc.token('p');
    const secret = await exchangeTokenSecret(token);
    const silent = rawStream(token, acc.address);
    silent.call.write({
      Payload: { $case: 'open', value: { PeerID: token.PeerID, StreamSecretID: secret, Remote: undefined } },
    });
    const error = await silent.ended;
    expect(error?.code).toBe(status.UNKNOWN);
    expect(error?.details).toBe('heartbeat timeout');
    expect(acc.server.streamStatus(token.PeerID)?.disconnectErrorMessage).toBe('heartbeat timeout');
    expect(acc.server.isConnected(token.PeerID)).toBe(false);
  });

  it('the dialer detects an idle acceptor and reconnects', async () => {
    const acc = await acceptor({ heartbeatIntervalMs: 60_000, idleTimeoutMs: 60_000 });
    const events: DialerEvent[] = [];
    const dialer = await dialPeer(acc.token('p'), {
      local,
      heartbeatIntervalMs: 50,
      idleTimeoutMs: 300,
      backoff: { baseMs: 10 },
      onEvent: (e) => events.push(e),
    });
    cleanups.push(() => dialer.close());
    await until(() => events.some((e) => e.type === 'disconnected'));
    const disconnected = events.find((e) => e.type === 'disconnected');
    expect(disconnected && 'error' in disconnected ? disconnected.error?.code : undefined).toBe(
      'heartbeat-timeout',
    );
    expect(dialer.status().disconnectErrorMessage).toBe('heartbeat timeout');
    await until(() => events.filter((e) => e.type === 'connected').length >= 2);
  });

  it('sends Terminated when the acceptor deletes the peering; the dialer stops and clears imports', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    acc.store.exports(token.PeerID).setService('web', [instance('web', 'n1', '10.0.0.1', 80)]);
    const dialer = await dialPeer(token, { local });
    cleanups.push(() => dialer.close());
    const imports = dialer.imports as ImportedState;
    await imports.waitFor((d) => d.services.has('web'));
    acc.store.delete(token.PeerID);
    expect(await dialer.done).toBe('terminated');
    expect(imports.snapshot().services.size).toBe(0);
    expect(dialer.status().disconnectErrorMessage).toBeUndefined();
  });

  it('marks the acceptor peering TERMINATED when the dialer sends Terminated', async () => {
    const acc = await acceptor();
    const token = acc.token('p');
    const dialer = await dialPeer(token, { local });
    await until(() => dialer.state() === 'active');
    await dialer.terminate();
    await until(() => acc.store.peeringByID(token.PeerID)?.state === 'TERMINATED');
    expect(acc.store.secrets(token.PeerID)).toBeUndefined();
    expect(acc.server.isConnected(token.PeerID)).toBe(false);
  });

  it('moves to the next address after FailedPrecondition from a follower', async () => {
    const identity = await createAcceptorIdentity({ datacenter: 'dc1' });
    const follower = await startAcceptor(
      { leadership: { isLeader: () => false, leaderAddress: () => '10.0.0.9:8300' } },
      identity,
    );
    cleanups.push(() => follower.close());
    const leader = await startAcceptor({}, identity);
    cleanups.push(() => leader.close());
    const token = leader.token('p');
    const raw = rawStream(token, follower.address);
    const followerError = await raw.ended;
    expect(followerError?.code).toBe(status.FAILED_PRECONDITION);
    const detailBytes = (followerError?.metadata ?? new Metadata()).get('grpc-status-details-bin')[0];
    const detail = Status.decode(detailBytes as Buffer).details[0];
    expect(detail?.typeUrl).toBe('type.googleapis.com/hashicorp.consul.internal.peerstream.LeaderAddress');
    expect(LeaderAddress.decode(detail?.value ?? new Uint8Array()).address).toBe('10.0.0.9:8300');

    // Both servers share the cluster's CA; the follower comes first.
    const secret = await exchangeTokenSecret(token);
    const events: DialerEvent[] = [];
    const target = { ...targetFromToken(token), addresses: [follower.address, leader.address] };
    const dialer = startPeerStream(target, secret, { local, onEvent: (e) => events.push(e) });
    cleanups.push(() => dialer.close());
    await until(() => dialer.state() === 'active');
    const disconnected = events.find((e) => e.type === 'disconnected');
    expect(disconnected && 'error' in disconnected ? disconnected.error?.code : undefined).toBe('follower');
    const retry = events.find((e) => e.type === 'retrying');
    expect(retry && 'delayMs' in retry ? retry.delayMs : undefined).toBe(8);
    expect(
      events.filter((e) => e.type === 'connected').map((e) => ('address' in e ? e.address : '')),
    ).toEqual([leader.address]);
  });
});
