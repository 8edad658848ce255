/**
 * Two simulated Consul servers on loopback, driven only through their HTTP API: token, establish,
 * ACTIVE on both sides, replication of exported services, token reuse, termination and deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, peer, startServer, waitFor, waitForState } from './consul-test-helpers.ts';

let acceptor: SimulatedConsul;
let dialer: SimulatedConsul;

beforeAll(async () => {
  acceptor = await startServer({
    cluster: 'alpha',
    datacenter: 'dc1',
    services: [{ name: 'web', instances: 2 }, { name: 'db' }],
  });
  dialer = await startServer({
    cluster: 'beta',
    datacenter: 'dc2',
    services: [{ name: 'api', instances: 1 }],
  });
});

afterAll(async () => {
  await Promise.all([acceptor?.stop(), dialer?.stop()]);
});

describe('simulated Consul peering', () => {
  it('establishes a peering that both sides report ACTIVE with a fresh heartbeat', async () => {
    await peer(acceptor, dialer, { acceptorSide: 'beta', dialerSide: 'alpha' });
    const a = await waitForState(acceptor, 'beta', 'ACTIVE');
    const d = await waitForState(dialer, 'alpha', 'ACTIVE');
    for (const side of [a, d]) {
      expect(side.headers.get('x-consul-index')).toMatch(/^\d+$/);
      const heartbeat = await waitFor(async () => {
        const again = await api(side === a ? acceptor : dialer, 'GET', `/v1/peering/${side.json.Name}`);
        return again.json.StreamStatus.LastHeartbeat ?? undefined;
      }, 'a heartbeat');
      expect(Date.now() - Date.parse(heartbeat)).toBeLessThan(60_000);
    }
    expect(a.json.PeerID).toBeUndefined();
    expect(a.json.Remote).toEqual({ Partition: 'default', Datacenter: 'dc2' });
    expect(a.json.Partition).toBeUndefined();
    expect(d.json.PeerID).toBe(a.json.ID);
    expect(d.json.PeerServerName).toBe(acceptor.serverName);
    expect(d.json.PeerServerAddresses).toEqual([acceptor.peeringAddress]);
    expect(d.json.PeerCAPems).toEqual([acceptor.caPem]);
    expect(d.json.Remote).toEqual({ Partition: 'default', Datacenter: 'dc1' });
    const list = await api(dialer, 'GET', '/v1/peerings');
    expect(list.json.map((p: { Name: string }) => p.Name)).toEqual(['alpha']);
  });

  it('replicates an exported service to the peer, readable with ?peer=', async () => {
    const put = await api(acceptor, 'PUT', '/v1/config', {
      Kind: 'exported-services',
      Name: 'default',
      Services: [{ Name: 'web', Consumers: [{ Peer: 'beta' }] }],
    });
    expect(put.json).toBe(true);
    const instances = await waitFor(async () => {
      const res = await api(dialer, 'GET', '/v1/health/service/web?peer=alpha');
      return res.json.length === 2 ? res.json : undefined;
    }, 'web imported on beta');
    expect(instances[0].Service.Service).toBe('web');
    expect(instances[0].Service.PeerName).toBe('alpha');
    expect(instances[0].Checks[0].Status).toBe('passing');
    const local = await api(dialer, 'GET', '/v1/catalog/service/web');
    expect(local.json).toEqual([]);
    const d = await waitFor(async () => {
      const res = await api(dialer, 'GET', '/v1/peering/alpha');
      return res.json.StreamStatus.ImportedServices?.includes('web') ? res : undefined;
    }, 'ImportedServices on beta');
    expect(d.json.StreamStatus.ImportedServices).toEqual(['web']);
    const a = await api(acceptor, 'GET', '/v1/peering/beta');
    expect(a.json.StreamStatus.ExportedServices).toEqual(['web']);
    const exported = await api(acceptor, 'GET', '/v1/exported-services');
    expect(exported.json).toEqual([{ Service: 'web', Consumers: { Peers: ['beta'] } }]);
  });

  it('refuses to establish with a used token (403, real text)', async () => {
    const token = await peer(acceptor, dialer, { acceptorSide: 'reuse', dialerSide: 'reuse-peer' });
    const again = await api(dialer, 'POST', '/v1/peering/establish', {
      PeerName: 'reuse-peer',
      PeeringToken: token,
    });
    expect(again.status).toBe(403);
    expect(again.text).toBe('a new peering token must be generated: invalid peering establishment secret');
  });

  it('answers validation errors with Consul status codes and texts', async () => {
    const missing = await api(dialer, 'POST', '/v1/peering/establish', { PeerName: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe('PeeringToken is required in the payload when establishing a peering.');
    const badName = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: 'Bad.Name' });
    expect(badName.status).toBe(500);
    expect(badName.text).toMatch(/^Bad\.Name is not a valid peer name: a valid peering name must consist/);
    const own = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: 'self' });
    const same = await api(acceptor, 'POST', '/v1/peering/establish', {
      PeerName: 'self2',
      PeeringToken: own.json.PeeringToken,
    });
    expect(same.status).toBe(500);
    expect(same.text).toContain(`cannot create a peering within the same cluster "${acceptor.serverName}"`);
    const dialing = await api(dialer, 'POST', '/v1/peering/token', { PeerName: 'alpha' });
    expect(dialing.status).toBe(500);
    expect(dialing.text).toBe(
      'cannot create peering with name: "alpha"; there is already an established peering',
    );
    const notFound = await api(acceptor, 'GET', '/v1/peering/nope');
    expect(notFound.status).toBe(404);
    expect(notFound.text).toBe('Peering not found for "nope"');
  });

  it('moves the dialer to TERMINATED when the acceptor deletes, and DELETE goes DELETING then 404', async () => {
    await peer(acceptor, dialer, { acceptorSide: 'gone', dialerSide: 'gone-peer' });
    await waitForState(dialer, 'gone-peer', 'ACTIVE');
    const deleted = await api(acceptor, 'DELETE', '/v1/peering/gone');
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('');
    const during = await api(acceptor, 'GET', '/v1/peering/gone');
    expect(during.json.State).toBe('DELETING');
    expect(during.json.DeletedAt).toMatch(/^\d{4}-/);
    const refused = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: 'gone' });
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('cannot write to peering that is marked for deletion');
    await waitForState(dialer, 'gone-peer', 'TERMINATED');
    await waitFor(
      async () => ((await api(acceptor, 'GET', '/v1/peering/gone')).status === 404 ? true : undefined),
      '404',
    );
    expect((await api(acceptor, 'DELETE', '/v1/peering/gone')).status).toBe(200);
  });
});
