/**
 * ConsulClient's catalog, health, config entry and intention reads: the paths it sends (a recording
 * transport) and the answers of the simulated Consul, which generates tokens as
 * agent/consul/peering_backend.go does (servers' addresses until the Mesh entry peers through
 * gateways, then the gateways').
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedConsul, startConsulServer } from '../../sandbox/src/consul/consul-server.ts';
import { ConsulClient } from '../../src/consul/consul-client.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';
import {
  readPeeringAddresses,
  tokenAddressProblem,
  tokenServerAddresses,
} from '../../src/consul/token-addresses.ts';

function recording(body = '[]') {
  const paths: string[] = [];
  return {
    paths,
    transport: {
      description: 'recording',
      send: async (_method: string, path: string) => {
        paths.push(path);
        return { status: 200, body };
      },
    },
  };
}

describe('the paths ConsulClient asks', () => {
  it('names the peer, the namespace, and the default partition only from a partition install', async () => {
    const ce = recording();
    await new ConsulClient(ce.transport).healthService('static-server', { peer: 'cluster-01' });
    await new ConsulClient(ce.transport).catalogService('mesh-gateway', { partition: 'default' });
    const ap = recording();
    const client = new ConsulClient(ap.transport, undefined, 'finance');
    await client.healthService('ledger', { peer: 'cluster-01', namespace: 'payments' });
    await client.catalogService('mesh-gateway', { partition: 'default' });
    await client.readConfigEntry('mesh', 'mesh', 'default');
    expect(ce.paths).toEqual([
      '/v1/health/service/static-server?peer=cluster-01',
      '/v1/catalog/service/mesh-gateway',
    ]);
    expect(ap.paths).toEqual([
      '/v1/health/service/ledger?partition=finance&peer=cluster-01&ns=payments',
      '/v1/catalog/service/mesh-gateway?partition=default',
      '/v1/config/mesh/mesh?partition=default',
    ]);
  });

  it("asks for an intention by a peer's source and a destination, with namespaces when named", async () => {
    const r = recording('null');
    const client = new ConsulClient(r.transport);
    await client.intentionExact({
      source: { peer: 'cluster-01', name: '*' },
      destination: { name: 'static-server' },
    });
    await client.intentionExact({
      source: { peer: 'cluster-01', name: 'web', namespace: 'frontend' },
      destination: { name: 'api', namespace: 'backend' },
    });
    expect(r.paths.map(decodeURIComponent)).toEqual([
      '/v1/connect/intentions/exact?source=peer:cluster-01/*&destination=static-server',
      '/v1/connect/intentions/exact?source=peer:cluster-01/frontend/web&destination=backend/api',
    ]);
  });
});

describe('the simulated Consul through ConsulClient', () => {
  let consul: SimulatedConsul;
  let client: ConsulClient;
  const gateway = '127.0.0.1:18443';

  const writeEntry = async (entry: Record<string, unknown>) => {
    const res = await directTransport(consul.httpUrl ?? '').send(
      'PUT',
      '/v1/config',
      { 'content-type': 'application/json' },
      JSON.stringify(entry),
    );
    expect(res.status, res.body).toBe(200);
  };

  beforeAll(async () => {
    consul = await startConsulServer({
      cluster: 'cluster-01',
      datacenter: 'dc1',
      servers: 3,
      services: [{ name: 'static-server', instances: 2 }],
    });
    consul.setGatewayAddress(gateway);
    client = new ConsulClient(directTransport(consul.httpUrl ?? ''));
  });

  afterAll(async () => {
    await consul?.stop();
  });

  it("lists the servers' addresses in tokens until the Mesh entry peers through gateways (issue 1683)", async () => {
    const before = await readPeeringAddresses(client);
    expect(before.throughGateways).toBe(false);
    expect(before.gateways).toEqual([gateway]);
    expect(before.servers).toHaveLength(3);
    const early = tokenServerAddresses(
      Buffer.from(await client.generateToken('cluster-02')).toString('base64'),
    );
    expect(early).toEqual(before.servers);
    expect(tokenAddressProblem(early ?? [], before)?.kind).toBe('servers');

    await writeEntry({ Kind: 'mesh', Name: 'mesh', Peering: { PeerThroughMeshGateways: true } });
    const after = await readPeeringAddresses(client);
    expect(after.throughGateways).toBe(true);
    const rotated = tokenServerAddresses(
      Buffer.from(await client.generateToken('cluster-02')).toString('base64'),
    );
    expect(rotated).toEqual([gateway]);
    expect(tokenAddressProblem(rotated ?? [], after)).toBeUndefined();
  });

  it("reads a service's instances with their checks, and none from a peer it does not know", async () => {
    const local = await client.healthService('static-server');
    expect(local).toHaveLength(2);
    expect(local.every((e) => (e.Checks ?? []).every((c) => c.Status === 'passing'))).toBe(true);
    expect(await client.healthService('static-server', { peer: 'cluster-09' })).toEqual([]);
  });

  it("reads the intention of a peer's source, or undefined when Consul has none", async () => {
    await writeEntry({
      Kind: 'service-intentions',
      Name: 'static-server',
      Sources: [
        { Peer: 'cluster-02', Name: 'static-client', Action: 'allow' },
        { Peer: 'cluster-02', Name: '*', Action: 'deny' },
      ],
    });
    const exact = await client.intentionExact({
      source: { peer: 'cluster-02', name: 'static-client' },
      destination: { name: 'static-server' },
    });
    expect(exact).toMatchObject({ SourcePeer: 'cluster-02', SourceName: 'static-client', Action: 'allow' });
    const wildcard = await client.intentionExact({
      source: { peer: 'cluster-02', name: '*' },
      destination: { name: 'static-server' },
    });
    expect(wildcard?.Action).toBe('deny');
    const none = await client.intentionExact({
      source: { peer: 'cluster-03', name: 'static-client' },
      destination: { name: 'static-server' },
    });
    expect(none).toBeUndefined();
  });
});
