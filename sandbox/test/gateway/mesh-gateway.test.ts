/**
 * The mesh gateway in front of a three-server cluster: the chart's objects and names, tokens that
 * carry the gateway when the mesh peers through it, connections spread round robin over every
 * server, and a dialer that reaches ACTIVE though followers refuse it on the way.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTransport } from '../../../src/consul/consul-transport.ts';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { MeshGateway } from '../../src/gateway/mesh-gateway.ts';
import { meshGatewayServiceAccount } from '../../src/gateway/mesh-gateway-objects.ts';
import { type DialerEvent, decodeToken, dialPeer, type PeerDialer } from '../../src/peering/index.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { refusedStream, startServer, waitFor } from '../consul/consul-test-helpers.ts';

let cluster: SandboxCluster;
let consul: SimulatedConsul;
let gateway: MeshGateway;
let dialer: PeerDialer | undefined;

beforeAll(async () => {
  cluster = await SandboxCluster.start({ name: 'gw' });
  cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'consul' } });
  consul = await startServer({
    cluster: 'gw',
    datacenter: 'dc1',
    servers: 3,
    api: { http: false, https: true },
  });
  gateway = await MeshGateway.start({
    objects: cluster.objects,
    consul,
    namespace: 'consul',
    release: 'consul',
    fullname: 'consul-consul',
    service: { type: 'LoadBalancer' },
  });
});

afterAll(async () => {
  await dialer?.close();
  await gateway?.stop();
  await consul?.stop();
  await cluster?.stop();
});

/** Calls the cluster's HTTPS API with its CA; answers with the parsed JSON. */
async function call(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const transport = directTransport(consul.apiUrl, { ca: consul.apiCaPem ?? '' });
  const res = await transport.send(method, path, {}, body === undefined ? undefined : JSON.stringify(body));
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

async function newToken(name: string) {
  const generated = (await call('POST', '/v1/peering/token', { PeerName: name })) as { PeeringToken: string };
  return decodeToken(generated.PeeringToken);
}

/** The leader's Raft address from its catalog registration. */
async function leaderRaftAddress(): Promise<string> {
  const leader = consul.servers.find((s) => s.leader)?.name;
  const nodes = (await call('GET', '/v1/catalog/service/consul')) as Array<{
    Node: string;
    Address: string;
    ServicePort: number;
  }>;
  const node = nodes.find((n) => n.Node === leader);
  return `${node?.Address}:${node?.ServicePort}`;
}

describe('the mesh gateway of a three-server cluster', () => {
  it('renders the chart Deployment and Service under the install fullname', () => {
    const get = (apiVersion: string, kind: string) =>
      cluster.objects.get({ apiVersion, kind, namespace: 'consul', name: 'consul-consul-mesh-gateway' });
    const deployment = get('apps/v1', 'Deployment');
    const labels = { app: 'consul', chart: 'consul-helm', release: 'consul', component: 'mesh-gateway' };
    expect(deployment?.metadata.labels).toEqual({ ...labels, heritage: 'Helm' });
    expect(deployment?.spec).toMatchObject({
      selector: { matchLabels: labels },
      template: { spec: { serviceAccountName: 'consul-consul-mesh-gateway' } },
    });
    expect(get('v1', 'Service')?.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { app: 'consul', release: 'consul', component: 'mesh-gateway' },
      ports: [{ name: 'gateway', port: 443, targetPort: 8443 }],
    });
    expect(
      meshGatewayServiceAccount({ namespace: 'consul', release: 'consul', fullname: 'consul-consul' }),
    ).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'consul-consul-mesh-gateway' } });
  });

  it('spreads a dialer over every server; it reaches ACTIVE after followers refuse it', async () => {
    await call('PUT', '/v1/config', {
      Kind: 'mesh',
      Name: 'mesh',
      Peering: { PeerThroughMeshGateways: true },
    });
    const token = await newToken('remote');
    expect(token.ServerAddresses).toEqual([gateway.address]);

    gateway.resetCounters();
    const events: DialerEvent[] = [];
    dialer = await dialPeer(token, {
      local: { Partition: 'default', Datacenter: 'dc2', Locality: undefined },
      onEvent: (e) => events.push(e),
    });
    const active = dialer;
    await waitFor(() => (active.state() === 'active' ? true : undefined), 'the dialer to be ACTIVE');
    const refusals = events.flatMap((e) => (e.type === 'disconnected' && e.error ? [e.error] : []));
    expect(refusals.map((e) => e.code)).toEqual(['follower', 'follower']);
    expect(refusals[0]?.message).toContain('cannot establish a peering stream on a follower node');
    const upstreams = gateway.counters().upstreams;
    expect(Object.keys(upstreams).sort()).toEqual(consul.servers.map((s) => s.peeringAddress).sort());
    expect(gateway.counters().routed).toEqual({ [consul.serverName]: 4 });

    const answers = [
      await refusedStream(token, gateway.address),
      await refusedStream(token, gateway.address),
      await refusedStream(token, gateway.address),
    ];
    const leader = await leaderRaftAddress();
    const followers = answers.filter((a) => a.code === status.FAILED_PRECONDITION);
    expect(followers).toHaveLength(2);
    for (const refusal of followers) expect(refusal.leaderAddress).toBe(leader);
  });

  it('checks peering:read over HTTPS with the cluster CA when it holds an ACL token', async () => {
    expect(consul.httpUrl).toBeUndefined();
    const guarded = await MeshGateway.start({
      objects: cluster.objects,
      consul,
      namespace: 'consul',
      release: 'consul',
      fullname: 'guarded',
      aclToken: 'any-token',
    });
    try {
      // ACLs are off, so any token reads peerings: a guard that reached the API lets the route through.
      const token = await newToken('guarded-peer');
      const answer = await refusedStream(token, guarded.address);
      expect([status.FAILED_PRECONDITION, status.INVALID_ARGUMENT]).toContain(answer.code);
      expect(guarded.counters().refused).toEqual({});
    } finally {
      await guarded.stop();
      consul.setGatewayAddress(gateway.address);
    }
  });
});
