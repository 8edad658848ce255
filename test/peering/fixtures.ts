/** Shared loopback fixtures: a real TLS acceptor with an in-memory store, and catalog helpers. */
import {
  type AcceptorIdentity,
  buildAcceptorToken,
  createAcceptorIdentity,
} from '../../sandbox/src/peering/acceptor-identity.ts';
import { MemoryPeeringStore } from '../../sandbox/src/peering/memory-peering-store.ts';
import {
  createPeerStreamServer,
  type PeerStreamServer,
  type PeerStreamServerOptions,
} from '../../sandbox/src/peering/peer-stream-server.ts';
import type { PeeringTrustBundle } from '../../src/peering/generated/private/pbpeering/peering.ts';
import { CheckServiceNode } from '../../src/peering/generated/private/pbservice/node.ts';
import type { PeeringToken } from '../../src/peering/peering-token.ts';

/** A running acceptor on 127.0.0.1. */
export interface AcceptorFixture {
  readonly identity: AcceptorIdentity;
  readonly store: MemoryPeeringStore;
  readonly server: PeerStreamServer;
  readonly address: string;
  /** Generates a peering (or a new token for an existing one) and returns its token. */
  token(name: string): PeeringToken;
  close(): Promise<void>;
}

/** Starts an acceptor; fast timers unless overridden. */
export async function startAcceptor(
  overrides: Partial<Omit<PeerStreamServerOptions, 'tls' | 'store'>> = {},
  identity?: AcceptorIdentity,
): Promise<AcceptorFixture> {
  const id = identity ?? (await createAcceptorIdentity({ datacenter: 'dc1' }));
  const store = new MemoryPeeringStore();
  const server = createPeerStreamServer({
    tls: id.tls,
    store,
    heartbeatIntervalMs: 50,
    idleTimeoutMs: 2_000,
    ...overrides,
  });
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  return {
    identity: id,
    store,
    server,
    address,
    token: (name) => buildAcceptorToken(id, store.generate(name), { serverAddresses: [address] }),
    close: () => server.close(),
  };
}

/** One service instance as Consul replicates it. */
export function instance(service: string, node: string, address: string, port: number): CheckServiceNode {
  return CheckServiceNode.fromPartial({
    Node: { ID: `${node}-id`, Node: node, Address: address, Datacenter: 'dc1' },
    Service: { ID: `${service}-${node}`, Service: service, Address: address, Port: port, Tags: ['v1'] },
    Checks: [
      { Node: node, CheckID: `${service}-${node}:overall-check`, Status: 'passing', ServiceName: service },
    ],
  });
}

/** A trust bundle for a CA. */
export function trustBundle(identity: AcceptorIdentity): PeeringTrustBundle {
  return {
    TrustDomain: identity.trustDomain,
    PeerName: '',
    Partition: '',
    RootPEMs: [identity.ca.certPem],
    ExportedPartition: identity.partition,
    CreateIndex: '0',
    ModifyIndex: '0',
  };
}

/** Polls a condition on the event loop; the test timeout bounds it (no timed assertion). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A leader and a follower sharing one store and one identity, as Consul servers share Raft state. */
export interface ClusterFixture {
  readonly identity: AcceptorIdentity;
  readonly store: MemoryPeeringStore;
  readonly leader: PeerStreamServer;
  readonly follower: PeerStreamServer;
  readonly leaderAddress: string;
  readonly followerAddress: string;
  close(): Promise<void>;
}

/** Starts two servers; the follower names `hint` (default: the leader's own address) as leader. */
export async function startCluster(
  overrides: Partial<Omit<PeerStreamServerOptions, 'tls' | 'store' | 'leadership'>> = {},
  hint?: string,
): Promise<ClusterFixture> {
  const identity = await createAcceptorIdentity({ datacenter: 'dc1' });
  const store = new MemoryPeeringStore();
  const base = { tls: identity.tls, store, heartbeatIntervalMs: 50, idleTimeoutMs: 2_000, ...overrides };
  const leader = createPeerStreamServer(base);
  const leaderAddress = `127.0.0.1:${await leader.listen('127.0.0.1', 0)}`;
  const follower = createPeerStreamServer({
    ...base,
    leadership: { isLeader: () => false, leaderAddress: () => hint ?? leaderAddress },
  });
  const followerAddress = `127.0.0.1:${await follower.listen('127.0.0.1', 0)}`;
  return {
    identity,
    store,
    leader,
    follower,
    leaderAddress,
    followerAddress,
    close: async () => {
      await follower.close();
      await leader.close();
    },
  };
}
