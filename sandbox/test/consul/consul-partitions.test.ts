/** Admin partitions: enterprise servers scope peerings and exports by partition; CE refuses them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, startServer, waitFor, waitForState } from './consul-test-helpers.ts';

let ent: SimulatedConsul;
let ce: SimulatedConsul;

beforeAll(async () => {
  ent = await startServer({
    cluster: 'ent',
    datacenter: 'dc1',
    enterprise: true,
    partitions: ['ap1'],
    services: [{ name: 'billing', partition: 'ap1' }],
  });
  ce = await startServer({ cluster: 'ce', datacenter: 'dc2' });
});

afterAll(async () => {
  await Promise.all([ent?.stop(), ce?.stop()]);
});

describe('simulated Consul admin partitions', () => {
  it('scopes an enterprise peering to its partition', async () => {
    const token = await api(ent, 'POST', '/v1/peering/token', { PeerName: 'ce', Partition: 'ap1' });
    expect(token.status).toBe(200);
    const decoded = JSON.parse(Buffer.from(token.json.PeeringToken, 'base64').toString('utf8'));
    expect(decoded.Remote).toEqual({ Partition: 'ap1', Datacenter: 'dc1', Locality: null });
    const established = await api(ce, 'POST', '/v1/peering/establish', {
      PeerName: 'ent-ap1',
      PeeringToken: token.json.PeeringToken,
    });
    expect(established.status).toBe(200);
    expect((await api(ent, 'GET', '/v1/peerings')).json).toEqual([]);
    const scoped = await api(ent, 'GET', '/v1/peerings?partition=ap1');
    expect(scoped.json.map((p: { Name: string; Partition: string }) => [p.Name, p.Partition])).toEqual([
      ['ce', 'ap1'],
    ]);
    expect((await api(ent, 'GET', '/v1/peering/ce')).status).toBe(404);
    const active = await waitForState(ent, 'ce', 'ACTIVE', { query: '?partition=ap1' });
    expect(active.json.Partition).toBe('ap1');
    const remote = await waitForState(ce, 'ent-ap1', 'ACTIVE');
    expect(remote.json.Remote.Partition).toBe('ap1');
  });

  it('exports from a partition to its peers', async () => {
    const put = await api(ent, 'PUT', '/v1/config?partition=ap1', {
      Kind: 'exported-services',
      Name: 'ap1',
      Services: [{ Name: 'billing', Consumers: [{ Peer: 'ce' }] }],
    });
    expect(put.status).toBe(200);
    const wrongName = await api(ent, 'PUT', '/v1/config?partition=ap1', {
      Kind: 'exported-services',
      Name: 'default',
      Services: [{ Name: 'billing', Consumers: [{ Peer: 'ce' }] }],
    });
    expect(wrongName.status).toBe(500);
    const entry = await api(ent, 'GET', '/v1/config/exported-services/ap1?partition=ap1');
    expect(entry.json.Partition).toBe('ap1');
    expect((await api(ent, 'GET', '/v1/config/exported-services/ap1')).status).toBe(404);
    await waitFor(async () => {
      const res = await api(ce, 'GET', '/v1/health/service/billing?peer=ent-ap1');
      return res.json.length === 2 ? true : undefined;
    }, 'billing imported from ap1');
  });

  it('refuses partitions on Consul CE like Consul does', async () => {
    const query = await api(ce, 'GET', '/v1/peerings?partition=ap1');
    expect(query.status).toBe(400);
    expect(query.text).toBe(
      'Invalid query parameter: "partition" - Partitions are a Consul Enterprise feature',
    );
    const body = await api(ce, 'POST', '/v1/peering/token', { PeerName: 'x', Partition: 'ap1' });
    expect(body.status).toBe(500);
    expect(body.text).toBe('Partitions are a Consul Enterprise feature');
    const unknown = await api(ent, 'GET', '/v1/peerings?partition=nope');
    expect(unknown.status).toBe(500);
  });
});

it('uses the mesh gateway address in tokens when peering through mesh gateways', async () => {
  const server = await startServer({ cluster: 'gw', datacenter: 'dc9' });
  try {
    await api(server, 'PUT', '/v1/config', { Kind: 'mesh', Peering: { PeerThroughMeshGateways: true } });
    const refused = await api(server, 'POST', '/v1/peering/token', { PeerName: 'p' });
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('no mesh gateway instances are registered');
    server.setGatewayAddress('127.0.0.1:8443');
    const token = await api(server, 'POST', '/v1/peering/token', { PeerName: 'p' });
    const decoded = JSON.parse(Buffer.from(token.json.PeeringToken, 'base64').toString('utf8'));
    expect(decoded.ServerAddresses).toEqual(['127.0.0.1:8443']);
    expect(decoded.ServerName).toBe(server.serverName);
    const gateways = await api(server, 'GET', '/v1/catalog/service/mesh-gateway');
    expect(gateways.json[0].ServiceKind).toBe('mesh-gateway');
    await api(server, 'PUT', '/v1/config', { Kind: 'mesh', Peering: { PeerThroughMeshGateways: false } });
    const direct = await api(server, 'POST', '/v1/peering/token', { PeerName: 'p' });
    const plain = JSON.parse(Buffer.from(direct.json.PeeringToken, 'base64').toString('utf8'));
    expect(plain.ServerAddresses).toEqual([server.peeringAddress]);
  } finally {
    await server.stop();
  }
});
