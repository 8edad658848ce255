/**
 * `GET /v1/catalog/service/:name` and `GET /v1/health/service/:name` (local and `?peer=`) filter
 * instances as hashicorp/consul agent/consul/aclfilter does (filterServiceNodes,
 * filterCheckServiceNodes with structs.CheckServiceNode.CanRead): node:read and service:read for
 * local instances; for imported ones acl/policy_authorizer.go asks service:write on any service or
 * read on every local node and service. Filtering sets X-Consul-Results-Filtered-By-ACLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, peer, startServer, tokenWithRules, waitFor, waitForState } from './consul-test-helpers.ts';

const FILTERED = 'x-consul-results-filtered-by-acls';

let exporter: SimulatedConsul;
let importer: SimulatedConsul;

beforeAll(async () => {
  exporter = await startServer({
    cluster: 'exporter',
    datacenter: 'dc1',
    acls: { enabled: true },
    services: [{ name: 'api', instances: 2 }],
  });
  // Without DNS, server-acl-init gives the anonymous token no read on nodes or services.
  importer = await startServer({
    cluster: 'importer',
    datacenter: 'dc2',
    acls: { enabled: true, allowDns: false },
  });
  const exporterRoot = exporter.acl?.bootstrapToken as string;
  const importerRoot = importer.acl?.bootstrapToken as string;
  await peer(
    exporter,
    importer,
    { acceptorSide: 'importer', dialerSide: 'exporter' },
    { acceptorToken: exporterRoot, dialerToken: importerRoot },
  );
  await waitForState(importer, 'exporter', 'ACTIVE', { token: importerRoot });
  const exports = {
    Kind: 'exported-services',
    Name: 'default',
    Services: [{ Name: 'api', Consumers: [{ Peer: 'importer' }] }],
  };
  expect((await api(exporter, 'PUT', '/v1/config', exports, exporterRoot)).status).toBe(200);
  await waitFor(async () => {
    const res = await api(importer, 'GET', '/v1/health/service/api?peer=exporter', undefined, importerRoot);
    return res.json?.length === 2 ? true : undefined;
  }, 'two imported api instances');
});

afterAll(async () => {
  await Promise.all([exporter?.stop(), importer?.stop()]);
});

async function seen(server: SimulatedConsul, path: string, token: string) {
  const res = await api(server, 'GET', path, undefined, token);
  expect(res.status).toBe(200);
  return { count: (res.json as unknown[]).length, filtered: res.headers.get(FILTERED) === 'true' };
}

describe('catalog and health ACL filtering of local instances', () => {
  it('needs node:read besides service:read, per node', async () => {
    const root = exporter.acl?.bootstrapToken as string;
    const nodes = (await api(exporter, 'GET', '/v1/catalog/service/api', undefined, root)).json.map(
      (n: { Node: string }) => n.Node,
    );
    expect(nodes).toHaveLength(2);
    const serviceOnly = await tokenWithRules(exporter, 'svc-only', 'service "api" { policy = "read" }');
    const both = await tokenWithRules(
      exporter,
      'svc-and-nodes',
      'service "api" { policy = "read" }\nnode_prefix "" { policy = "read" }',
    );
    const oneNode = await tokenWithRules(
      exporter,
      'svc-and-one-node',
      `service "api" { policy = "read" }\nnode "${nodes[0]}" { policy = "read" }`,
    );
    const nodesOnly = await tokenWithRules(exporter, 'nodes-only', 'node_prefix "" { policy = "read" }');
    for (const path of ['/v1/catalog/service/api', '/v1/health/service/api']) {
      expect(await seen(exporter, path, serviceOnly)).toEqual({ count: 0, filtered: true });
      expect(await seen(exporter, path, both)).toEqual({ count: 2, filtered: false });
      expect(await seen(exporter, path, oneNode)).toEqual({ count: 1, filtered: true });
      expect(await seen(exporter, path, nodesOnly)).toEqual({ count: 0, filtered: true });
      expect(await seen(exporter, path, root)).toEqual({ count: 2, filtered: false });
    }
    // Consul filters on the server and drops non-passing instances in the HTTP handler afterwards.
    expect(await seen(exporter, '/v1/health/service/api?passing', oneNode)).toEqual({
      count: 1,
      filtered: true,
    });
  });
});

describe('health ACL filtering of imported instances', () => {
  const path = '/v1/health/service/api?peer=exporter';

  it('ignores the imported names: read on every local node and service, or service:write anywhere', async () => {
    const named = await tokenWithRules(
      importer,
      'named',
      'service "api" { policy = "read" }\nnode_prefix "" { policy = "read" }',
    );
    const readAll = await tokenWithRules(
      importer,
      'read-all',
      'service_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }',
    );
    const servicesOnly = await tokenWithRules(
      importer,
      'services-only',
      'service_prefix "" { policy = "read" }',
    );
    const writer = await tokenWithRules(importer, 'writer', 'service "frontend" { policy = "write" }');
    const denied = await tokenWithRules(
      importer,
      'read-all-but-one',
      'service_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\nnode "n9" { policy = "deny" }',
    );
    expect(await seen(importer, path, named)).toEqual({ count: 0, filtered: true });
    expect(await seen(importer, path, readAll)).toEqual({ count: 2, filtered: false });
    expect(await seen(importer, path, servicesOnly)).toEqual({ count: 0, filtered: true });
    expect(await seen(importer, path, writer)).toEqual({ count: 2, filtered: false });
    expect(await seen(importer, path, denied)).toEqual({ count: 0, filtered: true });
    expect(await seen(importer, '/v1/catalog/service/api?peer=exporter', readAll)).toEqual({
      count: 2,
      filtered: false,
    });
  });

  it('leaves the flag off for a request without a token', async () => {
    const res = await api(importer, 'GET', path);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
    expect(res.headers.get(FILTERED)).toBeNull();
  });
});
