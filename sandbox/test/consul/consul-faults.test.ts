/** Consul-side faults: dropped streams, a stopped and restarted server, deletion behind the back, latency. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, peer, startServer, waitFor, waitForState } from './consul-test-helpers.ts';

let acceptor: SimulatedConsul;
let dialer: SimulatedConsul;

beforeAll(async () => {
  acceptor = await startServer({ cluster: 'east', datacenter: 'dc1', services: [{ name: 'web' }] });
  dialer = await startServer({
    cluster: 'west',
    datacenter: 'dc2',
    // A slower reconnect keeps FAILING visible long enough to poll it.
    reconnectBackoff: { baseMs: 600, maxMs: 600 },
  });
  await peer(acceptor, dialer, { acceptorSide: 'west', dialerSide: 'east' });
  await waitForState(dialer, 'east', 'ACTIVE');
});

afterAll(async () => {
  await Promise.all([acceptor?.stop(), dialer?.stop()]);
});

describe('simulated Consul faults', () => {
  it('drops streams: FAILING, then the dialer reconnects to ACTIVE', async () => {
    dialer.faults.dropStreams('east');
    await waitForState(dialer, 'east', 'FAILING');
    await waitForState(dialer, 'east', 'ACTIVE');
    await waitForState(acceptor, 'west', 'ACTIVE');
  });

  it('drops streams through the admin endpoint', async () => {
    const res = await api(acceptor, 'POST', '/_sandbox/consul/drop-streams', {});
    expect(res.status).toBe(200);
    expect(res.json.peerings).toEqual([
      { name: 'west', partition: 'default', role: 'acceptor', storedState: 'PENDING' },
    ]);
    await waitForState(dialer, 'east', 'FAILING');
    await waitForState(dialer, 'east', 'ACTIVE');
  });

  it('keeps state across stop and start on the same ports', async () => {
    const before = await api(acceptor, 'GET', '/v1/peering/west');
    await acceptor.faults.stop();
    await expect(fetch(`${acceptor.httpUrl}/v1/peerings`)).rejects.toThrow();
    await waitForState(dialer, 'east', 'FAILING');
    await acceptor.faults.start();
    const after = await waitForState(acceptor, 'west', 'ACTIVE');
    expect(after.json.ID).toBe(before.json.ID);
    await waitForState(dialer, 'east', 'ACTIVE');
    await dialer.faults.stop();
    await dialer.faults.start();
    await waitForState(dialer, 'east', 'ACTIVE');
  });

  it('adds latency to the HTTP API', async () => {
    acceptor.faults.setLatency(150);
    const started = Date.now();
    await api(acceptor, 'GET', '/v1/peerings');
    const elapsed = Date.now() - started;
    acceptor.faults.setLatency(0);
    expect(elapsed).toBeGreaterThanOrEqual(140);
  });

  it('deletes a peering behind the reconciler’s back', async () => {
    await acceptor.faults.deletePeering('west');
    expect((await api(acceptor, 'GET', '/v1/peering/west')).json.State).toBe('DELETING');
    await waitForState(dialer, 'east', 'TERMINATED');
    await waitFor(
      async () => ((await api(acceptor, 'GET', '/v1/peering/west')).status === 404 ? true : undefined),
      '404',
    );
    // Since Consul 1.15 a TERMINATED dialer can be re-established with a new token.
    await peer(acceptor, dialer, { acceptorSide: 'west', dialerSide: 'east' });
    await waitForState(dialer, 'east', 'ACTIVE');
  });
});
