/** The sandbox admin API's service-health hook over a running simulated Consul. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { SandboxAdmin } from '../../src/sandbox-admin.ts';
import { api, startServer } from './consul-test-helpers.ts';

let consul: SimulatedConsul;
let admin: SandboxAdmin;

beforeAll(async () => {
  consul = await startServer({ cluster: 'admin', datacenter: 'dc1', services: [{ name: 'api' }] });
  admin = await SandboxAdmin.start({ consul });
});

afterAll(async () => {
  await admin?.stop();
  await consul?.stop();
});

const post = async (body: unknown) => {
  const res = await fetch(new URL('consul/service-health', admin.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('POST /consul/service-health', () => {
  it('marks local instances critical and passing again', async () => {
    expect(await post({ service: 'api', status: 'critical' })).toEqual({
      status: 200,
      json: { service: 'api', status: 'critical', instances: 2 },
    });
    expect((await api(consul, 'GET', '/v1/health/service/api?passing')).json).toEqual([]);
    expect((await post({ service: 'api', status: 'passing', instance: 'api-1' })).json.instances).toBe(1);
    expect((await api(consul, 'GET', '/v1/health/service/api?passing')).json).toHaveLength(1);
  });

  it('answers 400 and 404 with one-line errors', async () => {
    expect(await post({ status: 'critical' })).toEqual({
      status: 400,
      json: { error: '"service" is required' },
    });
    expect((await post({ service: 'api', status: 'sick' })).json.error).toBe(
      '"status" must be one of passing, warning, critical',
    );
    expect(await post({ service: 'db', status: 'critical' })).toEqual({
      status: 404,
      json: { error: 'no service "db" is registered in partition "default" of admin' },
    });
  });
});
