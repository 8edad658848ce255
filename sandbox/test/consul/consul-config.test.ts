/** Config entries, token idempotence, dialer-side deletion and the admin restart, through HTTP only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, peer, startServer, waitFor, waitForState } from './consul-test-helpers.ts';

let acceptor: SimulatedConsul;
let dialer: SimulatedConsul;

beforeAll(async () => {
  acceptor = await startServer({ cluster: 'north', datacenter: 'dc1', services: [{ name: 'web' }] });
  dialer = await startServer({ cluster: 'south', datacenter: 'dc2' });
});

afterAll(async () => {
  await Promise.all([acceptor?.stop(), dialer?.stop()]);
});

describe('simulated Consul config entries', () => {
  it('stores mesh, proxy-defaults and exported-services entries with Consul answers', async () => {
    const missing = await api(acceptor, 'GET', '/v1/config/mesh/mesh');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('Config entry not found for "mesh" / "mesh"');
    const snake = await api(acceptor, 'PUT', '/v1/config', {
      kind: 'mesh',
      peering: { peer_through_mesh_gateways: true },
    });
    expect(snake.json).toBe(true);
    const mesh = await api(acceptor, 'GET', '/v1/config/mesh/mesh');
    expect(mesh.json).toMatchObject({
      Kind: 'mesh',
      Name: 'mesh',
      Peering: { PeerThroughMeshGateways: true },
    });
    expect(Number(mesh.headers.get('x-consul-index'))).toBe(mesh.json.ModifyIndex);
    const badName = await api(acceptor, 'PUT', '/v1/config', { Kind: 'proxy-defaults', Name: 'web' });
    expect(badName.status).toBe(500);
    expect(badName.text).toBe('invalid name ("web"), only "global" is supported');
    const proxy = await api(acceptor, 'PUT', '/v1/config', {
      Kind: 'proxy-defaults',
      Name: 'global',
      MeshGateway: { Mode: 'local' },
      Meta: { 'managed-by': 'meshpeer' },
    });
    expect(proxy.json).toBe(true);
    const list = await api(acceptor, 'GET', '/v1/config/proxy-defaults');
    expect(list.json).toHaveLength(1);
    expect(list.json[0].Meta).toEqual({ 'managed-by': 'meshpeer' });
    const wildcard = await api(acceptor, 'PUT', '/v1/config', {
      Kind: 'exported-services',
      Name: 'default',
      Services: [{ Name: 'web', Consumers: [{ Peer: '*' }] }],
    });
    expect(wildcard.status).toBe(500);
    const cas = await api(acceptor, 'PUT', '/v1/config?cas=1', { Kind: 'proxy-defaults', Name: 'global' });
    expect(cas.json).toBe(false);
    expect((await api(acceptor, 'DELETE', '/v1/config/mesh/mesh')).json).toEqual({});
    expect((await api(acceptor, 'GET', '/v1/config/mesh/mesh')).status).toBe(404);
  });

  it('gives a new token for an ACTIVE peering without interrupting it', async () => {
    const first = await peer(acceptor, dialer, { acceptorSide: 'south', dialerSide: 'north' });
    await waitForState(acceptor, 'south', 'ACTIVE');
    const second = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: 'south' });
    expect(second.json.PeeringToken).not.toBe(first);
    expect((await api(acceptor, 'GET', '/v1/peering/south')).json.State).toBe('ACTIVE');
    const reEstablish = await api(dialer, 'POST', '/v1/peering/establish', {
      PeerName: 'north',
      PeeringToken: second.json.PeeringToken,
    });
    expect(reEstablish.status).toBe(200);
    await waitForState(dialer, 'north', 'ACTIVE');
  });

  it('restarts through the admin endpoint and comes back ACTIVE', async () => {
    const res = await api(dialer, 'POST', '/_sandbox/consul/restart', { downMs: 300 });
    expect(res.status).toBe(200);
    await waitFor(async () => {
      try {
        await api(dialer, 'GET', '/v1/peerings');
        return undefined;
      } catch {
        return true;
      }
    }, 'the dialer to go down');
    await waitFor(async () => {
      try {
        return (await api(dialer, 'GET', '/v1/peering/north')).json?.State === 'ACTIVE' ? true : undefined;
      } catch {
        return undefined;
      }
    }, 'the restarted dialer to be ACTIVE');
  });

  it('moves the acceptor to TERMINATED when the dialer deletes', async () => {
    const deleted = await api(dialer, 'DELETE', '/v1/peering/north');
    expect(deleted.status).toBe(200);
    await waitForState(acceptor, 'south', 'TERMINATED');
    await waitFor(
      async () => ((await api(dialer, 'GET', '/v1/peering/north')).status === 404 ? true : undefined),
      '404',
    );
  });
});
