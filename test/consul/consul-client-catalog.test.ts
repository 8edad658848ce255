/** ConsulClient.listServices against the simulated Consul (which answers as agent/catalog_endpoint.go does). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedConsul, startConsulServer } from '../../sandbox/src/consul/consul-server.ts';
import { ConsulClient, ConsulError } from '../../src/consul/consul-client.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';

let ce: SimulatedConsul;
let ent: SimulatedConsul;

const client = (server: SimulatedConsul, token?: string, partition?: string) =>
  new ConsulClient(directTransport(server.httpUrl ?? ''), token, partition);

beforeAll(async () => {
  ce = await startConsulServer({
    cluster: 'ce',
    datacenter: 'dc1',
    // Without DNS, server-acl-init gives the anonymous token no read on services.
    acls: { enabled: true, allowDns: false },
    services: [{ name: 'static-server' }, { name: 'db' }],
  });
  ent = await startConsulServer({
    cluster: 'ent',
    datacenter: 'dc2',
    enterprise: true,
    partitions: ['finance'],
    services: [
      { name: 'web' },
      { name: 'api', namespace: 'frontend' },
      { name: 'ledger', partition: 'finance' },
    ],
  });
});

afterAll(async () => {
  await Promise.all([ce?.stop(), ent?.stop()]);
});

describe('ConsulClient.listServices', () => {
  it('lists the default partition without ?partition= (CE refuses it)', async () => {
    const services = await client(ce, ce.acl?.bootstrapToken).listServices();
    expect(Object.keys(services).sort()).toEqual(['consul', 'db', 'static-server']);
  });

  it("lists the client's own partition, or the one asked for, and one namespace", async () => {
    expect(Object.keys(await client(ent, undefined, 'finance').listServices())).toEqual(['ledger']);
    expect(Object.keys(await client(ent).listServices({ partition: 'finance' }))).toEqual(['ledger']);
    expect(Object.keys(await client(ent).listServices({ namespace: 'frontend' }))).toEqual(['api']);
    expect(Object.keys(await client(ent).listServices({ namespace: 'default' })).sort()).toEqual([
      'consul',
      'web',
    ]);
  });

  it("gets Consul's 400 when it asks CE for a namespace", async () => {
    const err = await client(ce, ce.acl?.bootstrapToken)
      .listServices({ namespace: 'default' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsulError);
    expect((err as ConsulError).status).toBe(400);
    expect((err as ConsulError).message).toContain('Namespaces are a Consul Enterprise feature');
  });

  it('gets an empty map, not an error, with a token that may read no service', async () => {
    expect(await client(ce).listServices()).toEqual({});
  });
});
