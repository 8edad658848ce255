/**
 * `GET /v1/catalog/services` as real Consul answers it (agent/catalog_endpoint.go CatalogServices,
 * agent/consul/catalog_endpoint.go ListServices, agent/http_ce.go): a map of name to tags for one
 * partition and namespace, services the token may not read left out (flagged only for a request
 * with a token), `?ns=` refused by CE, `?peer=` not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, startServer } from './consul-test-helpers.ts';

let ce: SimulatedConsul;
let ent: SimulatedConsul;
let secured: SimulatedConsul;

const FILTERED = 'x-consul-results-filtered-by-acls';

async function tokenWithRules(server: SimulatedConsul, name: string, rules: string): Promise<string> {
  const root = server.acl?.bootstrapToken as string;
  const policy = await api(server, 'PUT', '/v1/acl/policy', { Name: name, Rules: rules }, root);
  const token = await api(server, 'PUT', '/v1/acl/token', { Policies: [{ ID: policy.json.ID }] }, root);
  expect(token.status).toBe(200);
  return token.json.SecretID as string;
}

beforeAll(async () => {
  ce = await startServer({ cluster: 'ce', datacenter: 'dc1', services: [{ name: 'web' }] });
  ent = await startServer({
    cluster: 'ent',
    datacenter: 'dc2',
    enterprise: true,
    partitions: ['ap1'],
    services: [
      { name: 'web' },
      { name: 'api', namespace: 'frontend' },
      { name: 'billing', partition: 'ap1' },
    ],
  });
  // Without DNS, server-acl-init gives the anonymous token no read on services.
  secured = await startServer({
    cluster: 'secured',
    datacenter: 'dc3',
    acls: { enabled: true, allowDns: false },
    services: [{ name: 'web' }, { name: 'db' }],
  });
});

afterAll(async () => {
  await Promise.all([ce?.stop(), ent?.stop(), secured?.stop()]);
});

describe('simulated Consul GET /v1/catalog/services', () => {
  it('maps every local service name to its tags, the server itself included', async () => {
    const res = await api(ce, 'GET', '/v1/catalog/services');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ web: [], consul: [] });
    expect(Array.isArray(res.json)).toBe(false);
  });

  it('refuses namespaces and partitions on CE, as agent/http_ce.go does', async () => {
    const ns = await api(ce, 'GET', '/v1/catalog/services?ns=default');
    expect(ns).toMatchObject({
      status: 400,
      text: 'Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature',
    });
    const partition = await api(ce, 'GET', '/v1/catalog/services?partition=ap1');
    expect(partition).toMatchObject({
      status: 400,
      text: 'Invalid query parameter: "partition" - Partitions are a Consul Enterprise feature',
    });
  });

  it('lists one partition and one namespace on Enterprise', async () => {
    const names = async (query: string) =>
      Object.keys((await api(ent, 'GET', `/v1/catalog/services${query}`)).json).sort();
    expect(await names('')).toEqual(['consul', 'web']);
    expect(await names('?ns=default')).toEqual(['consul', 'web']);
    expect(await names('?ns=frontend')).toEqual(['api']);
    expect(await names('?partition=ap1')).toEqual(['billing']);
    expect(await names('?partition=ap1&ns=frontend')).toEqual([]);
  });

  it('does not list names imported from a peer: ?peer= is not read', async () => {
    const plain = await api(ce, 'GET', '/v1/catalog/services');
    const withPeer = await api(ce, 'GET', '/v1/catalog/services?peer=somewhere');
    expect(withPeer.status).toBe(200);
    expect(withPeer.json).toEqual(plain.json);
  });

  it('leaves out what the token may not read instead of refusing (no 403 for service:read)', async () => {
    const root = secured.acl?.bootstrapToken as string;
    const all = await api(secured, 'GET', '/v1/catalog/services', undefined, root);
    expect(Object.keys(all.json).sort()).toEqual(['consul', 'db', 'web']);
    expect(all.headers.get(FILTERED)).toBeNull();

    const webOnly = await tokenWithRules(secured, 'web-reader', 'service "web" { policy = "read" }');
    const some = await api(secured, 'GET', '/v1/catalog/services', undefined, webOnly);
    expect(some.status).toBe(200);
    expect(Object.keys(some.json)).toEqual(['web']);
    expect(some.headers.get(FILTERED)).toBe('true');

    const peeringOnly = await tokenWithRules(secured, 'peering-only', 'peering = "read"');
    const none = await api(secured, 'GET', '/v1/catalog/services', undefined, peeringOnly);
    expect(none.status).toBe(200);
    expect(none.json).toEqual({});
    expect(none.headers.get(FILTERED)).toBe('true');
  });

  it('masks the filtered flag for a request without a token, and refuses an unknown token', async () => {
    const anonymous = await api(secured, 'GET', '/v1/catalog/services');
    expect(anonymous.status).toBe(200);
    expect(anonymous.json).toEqual({});
    expect(anonymous.headers.get(FILTERED)).toBeNull();
    const unknown = await api(secured, 'GET', '/v1/catalog/services', undefined, 'not-a-real-token');
    expect(unknown).toMatchObject({ status: 403, text: 'ACL not found' });
  });
});
