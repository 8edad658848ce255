/**
 * `GET /v1/health/service/:name?peer=` returns the instances imported from a peer with their
 * checks as replicated, and the admin hook that marks local instances critical replicates to the
 * importing side (Consul's peering stream sends every change of an exported service).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, peer, startServer, waitFor, waitForState } from './consul-test-helpers.ts';

let exporter: SimulatedConsul;
let importer: SimulatedConsul;

beforeAll(async () => {
  exporter = await startServer({
    cluster: 'exporter',
    datacenter: 'dc1',
    services: [{ name: 'api', instances: 2 }],
  });
  importer = await startServer({ cluster: 'importer', datacenter: 'dc2' });
  await peer(exporter, importer, { acceptorSide: 'importer', dialerSide: 'exporter' });
  await waitForState(importer, 'exporter', 'ACTIVE');
  const exports = {
    Kind: 'exported-services',
    Name: 'default',
    Services: [{ Name: 'api', Consumers: [{ Peer: 'importer' }] }],
  };
  expect((await api(exporter, 'PUT', '/v1/config', exports)).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([exporter?.stop(), importer?.stop()]);
});

const imported = (query = '') => api(importer, 'GET', `/v1/health/service/api?peer=exporter${query}`);

describe('imported health', () => {
  it('lists the imported instances with their checks and PeerName', async () => {
    const res = await waitFor(async () => {
      const answer = await imported();
      return answer.json?.length === 2 ? answer : undefined;
    }, 'two imported api instances');
    expect(res.json[0]).toMatchObject({
      Node: { PeerName: 'exporter' },
      Service: { Service: 'api', PeerName: 'exporter' },
      Checks: [{ Status: 'passing', PeerName: 'exporter', ServiceName: 'api' }],
    });
    expect((await imported('&passing')).json).toHaveLength(2);
    expect((await api(importer, 'GET', '/v1/health/service/api')).json).toEqual([]);
  });

  it('replicates instances marked critical through the admin hook, and back to passing', async () => {
    const root = '/_sandbox/consul/service-health';
    const one = await api(exporter, 'POST', root, { service: 'api', status: 'critical', instance: 'api-0' });
    expect(one.status).toBe(200);
    await waitFor(
      async () => ((await imported('&passing')).json?.length === 1 ? true : undefined),
      'one passing',
    );
    const critical = (await imported()).json.find(
      (n: { Service: { ID: string } }) => n.Service.ID === 'api-0',
    );
    expect(critical.Checks[0]).toMatchObject({
      Status: 'critical',
      Output: 'service api marked critical by the sandbox',
    });
    expect(exporter.faults.setServiceHealth('api', 'critical')).toBe(2);
    await waitFor(
      async () => ((await imported('&passing')).json?.length === 0 ? true : undefined),
      'none passing',
    );
    expect((await api(exporter, 'GET', '/v1/health/service/api?passing')).json).toEqual([]);
    expect((await api(exporter, 'POST', root, { service: 'api', status: 'passing' })).status).toBe(200);
    await waitFor(
      async () => ((await imported('&passing')).json?.length === 2 ? true : undefined),
      'all passing',
    );
  });

  it('refuses an unknown service, instance or status', async () => {
    const root = '/_sandbox/consul/service-health';
    const unknown = await api(exporter, 'POST', root, { service: 'nope', status: 'critical' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('no service "nope" is registered in partition "default" of exporter');
    const instance = await api(exporter, 'POST', root, { service: 'api', status: 'critical', instance: 'x' });
    expect(instance.text).toBe('service "api" has no instance "x" in partition "default"');
    const status = await api(exporter, 'POST', root, { service: 'api', status: 'down' });
    expect(status.status).toBe(400);
    expect(status.text).toBe('status must be one of passing, warning, critical');
  });

  it('shows the same through the traffic view the data plane reads', () => {
    expect(
      importer.traffic
        .importedInstances('exporter', 'api')
        .map((n) => n.Service?.ID)
        .sort(),
    ).toEqual(['api-0', 'api-1']);
    expect(importer.traffic.peering('exporter')).toEqual({ state: 'ACTIVE', importedServices: ['api'] });
    expect(importer.traffic.intentionDefaultAllow).toBe(true);
    expect(exporter.traffic.localInstances('api')).toHaveLength(2);
  });
});
