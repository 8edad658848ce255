/**
 * The traffic config entries through the HTTP API: service-intentions (Normalize and Validate of
 * config_entry_intentions.go), service-resolver (config_entry_discoverychain.go), sameness-group
 * (Enterprise only), per partition, with each kind's ACL checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, startServer, tokenWithRules } from './consul-test-helpers.ts';

let ce: SimulatedConsul;
let ent: SimulatedConsul;
let secured: SimulatedConsul;

beforeAll(async () => {
  ce = await startServer({ cluster: 'ce', datacenter: 'dc1', services: [{ name: 'api' }] });
  ent = await startServer({ cluster: 'ent', datacenter: 'dc2', enterprise: true, partitions: ['ap1'] });
  secured = await startServer({ cluster: 'acl', datacenter: 'dc3', acls: { enabled: true } });
});

afterAll(async () => {
  await Promise.all([ce?.stop(), ent?.stop(), secured?.stop()]);
});

const put = (server: SimulatedConsul, body: unknown, query = '', token?: string) =>
  api(server, 'PUT', `/v1/config${query}`, body, token);

describe('service-intentions entries', () => {
  it('decodes snake_case, types the sources, ranks them by precedence and serves them back', async () => {
    const written = await put(ce, {
      kind: 'service-intentions',
      name: 'api',
      sources: [
        { name: '*', peer: 'east', action: 'allow' },
        { name: 'web', peer: 'east', action: 'deny', description: 'not web' },
      ],
      meta: { 'managed-by': 'meshpeer' },
    });
    expect(written.status).toBe(200);
    expect(written.json).toBe(true);
    const got = await api(ce, 'GET', '/v1/config/service-intentions/api');
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      Kind: 'service-intentions',
      Name: 'api',
      Meta: { 'managed-by': 'meshpeer' },
      Sources: [
        { Name: 'web', Peer: 'east', Action: 'deny', Type: 'consul', Precedence: 9, Description: 'not web' },
        { Name: '*', Peer: 'east', Action: 'allow', Type: 'consul', Precedence: 8 },
      ],
    });
    expect(got.json.Partition).toBeUndefined();
    const list = await api(ce, 'GET', '/v1/config/service-intentions');
    expect(list.json.map((e: { Name: string }) => e.Name)).toEqual(['api']);
    expect((await api(ce, 'DELETE', '/v1/config/service-intentions/api')).status).toBe(200);
    expect((await api(ce, 'GET', '/v1/config/service-intentions/api')).status).toBe(404);
  });

  it('refuses what Validate refuses, with its messages', async () => {
    const refused = async (sources: unknown[], server = ce) => {
      const res = await put(server, { Kind: 'service-intentions', Name: 'api', Sources: sources });
      return `${res.status} ${res.text}`;
    };
    expect(await refused([])).toBe('500 At least one source is required');
    expect(await refused([{ Name: 'web', Action: 'permit' }])).toBe(
      "500 Sources[0].Action must be set to 'allow' or 'deny'",
    );
    expect(await refused([{ Name: 'web', Peer: 'e*', Action: 'allow' }])).toBe(
      "500 Sources[0].Peer: cannot use wildcard '*' in peer",
    );
    expect(await refused([{ Name: 'we*', Action: 'allow' }])).toBe(
      "500 Sources[0].Name: wildcard character '*' cannot be used with partial values",
    );
    expect(
      await refused([
        { Name: 'web', Peer: 'east', Action: 'allow' },
        { Name: 'web', Peer: 'east', Action: 'deny' },
      ]),
    ).toBe('500 Sources[1] defines peer("east") "web" more than once');
    expect(await refused([{ Name: 'web', SamenessGroup: 'g', Action: 'allow' }])).toBe(
      '500 Sources[0].SamenessGroup: Sameness groups are a Consul Enterprise feature. ',
    );
    // CE has no source partition: the decoder reports an unused key.
    expect(await refused([{ Name: 'web', Peer: 'east', Partition: 'ap1', Action: 'allow' }])).toBe(
      '400 Request decoding failed: 1 error occurred:\n\t* invalid config key "Sources[0].Partition"\n\n',
    );
    expect(await refused([{ Name: 'web', Peer: 'east', Partition: 'ap1', Action: 'allow' }], ent)).toBe(
      '500 Sources[0].Peer: cannot set Peer and Partition at the same time.',
    );
    expect(await refused([{ Name: 'web', Peer: 'east', SamenessGroup: 'g', Action: 'allow' }], ent)).toBe(
      '500 Sources[0].SamenessGroup: cannot set SamenessGroup and Peer at the same time',
    );
  });

  it('keeps intentions per partition and fills source scopes on Enterprise', async () => {
    const body = {
      Kind: 'service-intentions',
      Name: 'api',
      Sources: [
        { Name: 'web', Action: 'allow' },
        { Name: 'web', Peer: 'east', Action: 'allow' },
      ],
    };
    expect((await put(ent, body, '?partition=ap1')).status).toBe(200);
    expect((await api(ent, 'GET', '/v1/config/service-intentions/api')).status).toBe(404);
    const got = await api(ent, 'GET', '/v1/config/service-intentions/api?partition=ap1');
    expect(got.json).toMatchObject({ Partition: 'ap1', Namespace: 'default' });
    expect(got.json.Sources).toEqual([
      expect.objectContaining({ Name: 'web', Partition: 'ap1', Namespace: 'default' }),
      expect.objectContaining({ Name: 'web', Peer: 'east', Namespace: 'default' }),
    ]);
    expect(got.json.Sources[1].Partition).toBeUndefined();
  });
});

describe('service-resolver entries', () => {
  it('stores failover targets on peers, in order, and refuses invalid targets', async () => {
    const ok = await put(ce, {
      Kind: 'service-resolver',
      Name: 'api',
      connect_timeout: '5s',
      Failover: { '*': { targets: [{ peer: 'east' }, { peer: 'west' }] } },
    });
    expect(ok.status).toBe(200);
    const got = await api(ce, 'GET', '/v1/config/service-resolver/api');
    expect(got.json).toMatchObject({
      Kind: 'service-resolver',
      ConnectTimeout: '5s',
      Failover: { '*': { Targets: [{ Peer: 'east' }, { Peer: 'west' }] } },
    });
    const refused = async (failover: unknown, server = ce) => {
      const res = await put(server, { Kind: 'service-resolver', Name: 'api', Failover: failover });
      return `${res.status} ${res.text}`;
    };
    expect(await refused({ '*': { Targets: [{ Peer: 'east', Datacenter: 'dc2' }] } })).toBe(
      '500 Bad Failover["*"].Targets[0]: Peer cannot be set with Datacenter',
    );
    expect(await refused({ '*': { Targets: [{ Peer: 'east', Partition: 'ap1' }] } }, ent)).toBe(
      '500 Bad Failover["*"].Targets[0]: Partition cannot be set with Peer',
    );
    expect(await refused({ '*': { SamenessGroup: 'g' } })).toBe(
      '500 Bad Failover["*"]: Setting SamenessGroup requires Consul Enterprise',
    );
    expect(await refused({ '*': { SamenessGroup: 'g', Targets: [{ Peer: 'east' }] } }, ent)).toBe(
      '500 Bad Failover["*"]: SamenessGroup cannot be set with Targets',
    );
    expect(await refused({ '*': {} })).toBe(
      '500 Bad Failover["*"]: one of Service, ServiceSubset, Namespace, Targets, or Datacenters is required',
    );
    expect(await refused({ v1: { Targets: [{ Peer: 'east' }] } })).toBe(
      '500 Bad Failover["v1"]: not a valid subset subset',
    );
    expect(
      (await put(ent, { Kind: 'service-resolver', Name: 'api', Failover: { '*': { SamenessGroup: 'g' } } }))
        .status,
    ).toBe(200);
  });
});

describe('sameness-group entries', () => {
  it('are an Enterprise feature', async () => {
    const res = await put(ce, { Kind: 'sameness-group', Name: 'g', Members: [{ Partition: 'default' }] });
    expect(res.status).toBe(500);
    expect(res.text).toBe('sameness-groups are an enterprise-only feature');
  });

  it('store valid groups per partition and refuse invalid members', async () => {
    const group = {
      Kind: 'sameness-group',
      Name: 'g',
      default_for_failover: true,
      include_local: true,
      Members: [{ Partition: 'ap1' }, { Peer: 'east' }],
    };
    expect((await put(ent, group, '?partition=ap1')).status).toBe(200);
    const got = await api(ent, 'GET', '/v1/config/sameness-group/g?partition=ap1');
    expect(got.json).toMatchObject({ DefaultForFailover: true, IncludeLocal: true, Partition: 'ap1' });
    expect((await api(ent, 'GET', '/v1/config/sameness-group')).json).toEqual([]);
    const bad = await put(
      ent,
      { ...group, Name: 'h', Members: [{ Partition: 'ap1', Peer: 'east' }] },
      '?partition=ap1',
    );
    expect(bad.text).toBe('Members[0]: must define exactly one of Partition or Peer');
    const second = await put(ent, { ...group, Name: 'h' }, '?partition=ap1');
    expect(second.text).toBe('sameness group "g" is already the default for failover in partition "ap1"');
    const notLocal = await put(ent, { Kind: 'sameness-group', Name: 'k', Members: [{ Peer: 'east' }] });
    expect(notLocal.text).toBe('the local partition must be a member of the sameness group');
  });
});

describe('traffic entry ACLs', () => {
  it('needs intention:write for intentions, service:write for resolvers, mesh:write for groups', async () => {
    const writer = await tokenWithRules(secured, 'api-writer', 'service "api" { policy = "write" }');
    const body = {
      Kind: 'service-intentions',
      Name: 'api',
      Sources: [{ Name: 'web', Peer: 'east', Action: 'allow' }],
    };
    const denied = await put(secured, body, '', writer);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('lacks permission \'intention:write\' on "api"');
    const ixnWriter = await tokenWithRules(
      secured,
      'api-intentions',
      'service "api" { policy = "write"\n intentions = "write" }',
    );
    expect((await put(secured, body, '', ixnWriter)).status).toBe(200);
    const resolver = {
      Kind: 'service-resolver',
      Name: 'api',
      Failover: { '*': { Targets: [{ Peer: 'east' }] } },
    };
    expect((await put(secured, resolver, '', writer)).status).toBe(200);
    const other = await put(secured, { ...resolver, Name: 'db' }, '', writer);
    expect(other.text).toContain('lacks permission \'service:write\' on "db"');
  });

  it('reads intentions with intention:read and leaves unreadable ones out of lists', async () => {
    const root = secured.acl?.bootstrapToken as string;
    const other = { Kind: 'service-intentions', Name: 'db', Sources: [{ Name: 'web', Action: 'deny' }] };
    expect((await put(secured, other, '', root)).status).toBe(200);
    const reader = await tokenWithRules(secured, 'api-reader', 'service "api" { policy = "read" }');
    expect((await api(secured, 'GET', '/v1/config/service-intentions/api', undefined, reader)).status).toBe(
      200,
    );
    const denied = await api(secured, 'GET', '/v1/config/service-intentions/db', undefined, reader);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('lacks permission \'intention:read\' on "db"');
    const list = await api(secured, 'GET', '/v1/config/service-intentions', undefined, reader);
    expect(list.json.map((e: { Name: string }) => e.Name)).toEqual(['api']);
    expect(list.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
  });
});
