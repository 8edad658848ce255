/** `GET /v1/discovery-chain/:service`: the default chain, failover to peers, sameness groups, ACLs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, startServer, tokenWithRules } from './consul-test-helpers.ts';

let ce: SimulatedConsul;
let ent: SimulatedConsul;

beforeAll(async () => {
  ce = await startServer({
    cluster: 'ce',
    datacenter: 'dc1',
    trustDomain: 'abc.consul',
    acls: { enabled: true },
  });
  ent = await startServer({ cluster: 'ent', datacenter: 'dc2', enterprise: true, partitions: ['ap1'] });
});

afterAll(async () => {
  await Promise.all([ce?.stop(), ent?.stop()]);
});

describe('GET /v1/discovery-chain/:service', () => {
  it('compiles the default chain and the failover targets on peers, in order', async () => {
    const root = ce.acl?.bootstrapToken as string;
    const plain = await api(ce, 'GET', '/v1/discovery-chain/api', undefined, root);
    expect(plain.status).toBe(200);
    expect(plain.json.Chain).toMatchObject({
      ServiceName: 'api',
      Default: true,
      Protocol: 'tcp',
      StartNode: 'resolver:api.default.default.dc1',
      Nodes: { 'resolver:api.default.default.dc1': { Resolver: { Default: true, ConnectTimeout: '5s' } } },
      Targets: {
        'api.default.default.dc1': { SNI: 'api.default.dc1.internal.abc.consul', ConnectTimeout: '5s' },
      },
    });
    const resolver = {
      Kind: 'service-resolver',
      Name: 'api',
      ConnectTimeout: '10s',
      Failover: { '*': { Targets: [{ Peer: 'east' }, { Peer: 'west', Service: 'api-v2' }] } },
    };
    expect((await api(ce, 'PUT', '/v1/config', resolver, root)).status).toBe(200);
    const chain = (await api(ce, 'GET', '/v1/discovery-chain/api', undefined, root)).json.Chain;
    expect(chain.Default).toBeUndefined();
    expect(chain.Nodes['resolver:api.default.default.dc1'].Resolver).toEqual({
      ConnectTimeout: '10s',
      Target: 'api.default.default.dc1',
      Failover: { Targets: ['api.default.default.external.east', 'api-v2.default.default.external.west'] },
    });
    expect(chain.Targets['api.default.default.external.east']).toEqual({
      ID: 'api.default.default.external.east',
      Service: 'api',
      Namespace: 'default',
      Partition: 'default',
      Peer: 'east',
      MeshGateway: {},
      Subset: {},
      TransparentProxy: {},
      ConnectTimeout: '10s',
      External: true,
    });
  });

  it('needs service:read on the service', async () => {
    const token = await tokenWithRules(ce, 'db-reader', 'service "db" { policy = "read" }');
    const denied = await api(ce, 'GET', '/v1/discovery-chain/api', undefined, token);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('lacks permission \'service:read\' on "api"');
  });

  it('fails over to the members of a sameness group on Enterprise', async () => {
    const group = {
      Kind: 'sameness-group',
      Name: 'g',
      DefaultForFailover: true,
      Members: [{ Partition: 'ap1' }, { Peer: 'east' }],
    };
    expect((await api(ent, 'PUT', '/v1/config?partition=ap1', group)).status).toBe(200);
    const chain = (await api(ent, 'GET', '/v1/discovery-chain/api?partition=ap1')).json.Chain;
    expect(chain.StartNode).toBe('resolver:api.default.ap1.dc2');
    expect(chain.Nodes['resolver:api.default.ap1.dc2'].Resolver.Failover).toEqual({
      Targets: ['api.default.ap1.external.east'],
    });
    expect(chain.Targets['api.default.ap1.dc2'].SNI).toMatch(/^api\.default\.ap1\.dc2\.internal-v1\./);
  });
});
