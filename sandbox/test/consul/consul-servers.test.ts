/**
 * Clusters of several servers with one Raft leader: every server in the catalog and in tokens,
 * ExchangeSecret answered alike by every server, StreamResources refused by followers with the
 * leader's address, and peerings that stay or come back ACTIVE when leadership moves.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { decodeToken, exchangeTokenSecret, PeeringError } from '../../src/peering/index.ts';
import { api, peer, refusedStream, startServer, waitFor, waitForState } from './consul-test-helpers.ts';

let acceptor: SimulatedConsul;
let dialer: SimulatedConsul;

beforeAll(async () => {
  acceptor = await startServer({
    cluster: 'alpha',
    datacenter: 'dc1',
    servers: 3,
    services: [{ name: 'web', instances: 1 }],
  });
  dialer = await startServer({ cluster: 'beta', datacenter: 'dc2', servers: 2, fullname: 'beta-consul' });
});

afterAll(async () => {
  await Promise.all([acceptor?.stop(), dialer?.stop()]);
});

async function newToken(name: string) {
  const res = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: name });
  expect(res.status).toBe(200);
  return decodeToken(res.json.PeeringToken as string);
}

/** The leader's Raft address as its catalog registration shows it (node address and RPC port). */
async function leaderRaftAddress(server: SimulatedConsul): Promise<string> {
  const leader = server.servers.find((s) => s.leader)?.name;
  const nodes = (await api(server, 'GET', '/v1/catalog/service/consul')).json as Array<{
    Node: string;
    Address: string;
    ServicePort: number;
  }>;
  const node = nodes.find((n) => n.Node === leader);
  return `${node?.Address}:${node?.ServicePort}`;
}

describe('a cluster of several servers', () => {
  it('registers every server as the consul service and lists every one in tokens', async () => {
    expect(acceptor.servers.map((s) => [s.name, s.leader])).toEqual([
      ['consul-consul-server-0', true],
      ['consul-consul-server-1', false],
      ['consul-consul-server-2', false],
    ]);
    expect(dialer.servers.map((s) => s.name)).toEqual(['beta-consul-server-0', 'beta-consul-server-1']);
    const addresses = acceptor.servers.map((s) => s.peeringAddress);
    expect(new Set(addresses).size).toBe(3);
    expect(acceptor.peeringAddress).toBe(addresses[0]);
    const catalog = await api(acceptor, 'GET', '/v1/catalog/service/consul');
    const registered = (
      catalog.json as Array<{ Node: string; Address: string; ServiceMeta: Record<string, string> }>
    )
      .map((n) => ({ node: n.Node, address: `${n.Address}:${n.ServiceMeta.grpc_tls_port}` }))
      .sort((a, b) => a.node.localeCompare(b.node));
    expect(registered.map((r) => r.address)).toEqual(addresses);
    expect((await newToken('listing')).ServerAddresses).toEqual(addresses);
  });

  it('answers ExchangeSecret alike on every server: PermissionDenied for an unknown PeerID', async () => {
    const token = await newToken('exchange');
    for (const server of acceptor.servers) {
      const attempt = exchangeTokenSecret({
        ...token,
        PeerID: randomUUID(),
        ServerAddresses: [server.peeringAddress],
      });
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PeeringError);
      expect((error as PeeringError).grpcCode).toBe(status.PERMISSION_DENIED);
      expect((error as PeeringError).message).toBe(
        'a new peering token must be generated: invalid peering establishment secret',
      );
    }
    // A follower forwards a valid exchange to the leader, so it succeeds there too.
    const follower = acceptor.servers[2]?.peeringAddress ?? '';
    await expect(exchangeTokenSecret({ ...token, ServerAddresses: [follower] })).resolves.toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('refuses StreamResources on followers with FailedPrecondition and the leader address', async () => {
    const token = await newToken('refusal');
    const leader = await leaderRaftAddress(acceptor);
    const answers = await Promise.all(acceptor.servers.map((s) => refusedStream(token, s.peeringAddress)));
    expect(answers[0]?.code).toBe(status.INVALID_ARGUMENT);
    for (const follower of answers.slice(1)) {
      expect(follower).toEqual({
        code: status.FAILED_PRECONDITION,
        details: 'cannot establish a peering stream on a follower node',
        leaderAddress: leader,
      });
    }
  });

  it('keeps peerings ACTIVE, or brings them back, when leadership moves on either side', async () => {
    await api(acceptor, 'PUT', '/v1/config', {
      Kind: 'exported-services',
      Name: 'default',
      Services: [{ Name: 'web', Consumers: [{ Peer: 'beta' }] }],
    });
    await peer(acceptor, dialer, { acceptorSide: 'beta', dialerSide: 'alpha' });
    await waitForState(acceptor, 'beta', 'ACTIVE');
    await waitForState(dialer, 'alpha', 'ACTIVE');

    await acceptor.faults.transferLeadership(2);
    expect(acceptor.servers.map((s) => s.leader)).toEqual([false, false, true]);
    expect(acceptor.peeringAddress).toBe(acceptor.servers[2]?.peeringAddress);
    // Reads consult the new leader's streams: ACTIVE means the dialer reached server 2.
    await waitForState(acceptor, 'beta', 'ACTIVE');
    await waitForState(dialer, 'alpha', 'ACTIVE');

    await dialer.faults.transferLeadership();
    expect(dialer.servers.map((s) => s.leader)).toEqual([false, true]);
    await waitForState(dialer, 'alpha', 'ACTIVE');
    await waitForState(acceptor, 'beta', 'ACTIVE');
    const imported = await waitFor(async () => {
      const res = await api(dialer, 'GET', '/v1/health/service/web?peer=alpha');
      return res.json.length === 1 ? res.json : undefined;
    }, 'web imported after the transfers');
    expect(imported[0].Service.PeerName).toBe('alpha');

    const restored = await api(acceptor, 'POST', '/_sandbox/consul/transfer-leadership', { index: 0 });
    expect(restored.status).toBe(200);
    expect(restored.json.servers.map((s: { leader: boolean }) => s.leader)).toEqual([true, false, false]);
    await waitForState(acceptor, 'beta', 'ACTIVE');
  });

  it('refuses a leadership transfer to a server that does not exist', async () => {
    await expect(acceptor.faults.transferLeadership(3)).rejects.toThrow(
      'no server 3: this cluster runs 3 server(s)',
    );
    const answer = await api(acceptor, 'POST', '/_sandbox/consul/transfer-leadership', { index: 7 });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('no server 7: this cluster runs 3 server(s)');
  });
});
