/**
 * The intention read endpoints (agent/intentions_endpoint.go): check for local sources with
 * Consul's precedence and default, exact with a `peer:` source, match by destination for the
 * decision of a peer's source, and their ACL checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, startServer, tokenWithRules } from './consul-test-helpers.ts';

let open: SimulatedConsul;
let secured: SimulatedConsul;

const intentions = {
  Kind: 'service-intentions',
  Name: 'api',
  Sources: [
    { Name: 'web', Action: 'deny' },
    { Name: 'web', Peer: 'east', Action: 'allow' },
    { Name: '*', Peer: 'west', Action: 'deny' },
  ],
};

beforeAll(async () => {
  open = await startServer({ cluster: 'open', datacenter: 'dc1' });
  secured = await startServer({ cluster: 'secured', datacenter: 'dc2', acls: { enabled: true } });
  expect((await api(open, 'PUT', '/v1/config', intentions)).status).toBe(200);
  const root = secured.acl?.bootstrapToken as string;
  expect((await api(secured, 'PUT', '/v1/config', intentions, root)).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([open?.stop(), secured?.stop()]);
});

describe('GET /v1/connect/intentions/check', () => {
  it('decides for local sources, falling back to allow without ACLs and deny with them', async () => {
    const check = (server: SimulatedConsul, source: string, token?: string) =>
      api(server, 'GET', `/v1/connect/intentions/check?source=${source}&destination=api`, undefined, token);
    expect((await check(open, 'web')).json).toEqual({ Allowed: false });
    expect((await check(open, 'batch')).json).toEqual({ Allowed: true });
    const root = secured.acl?.bootstrapToken as string;
    expect((await check(secured, 'batch', root)).json).toEqual({ Allowed: false });
  });

  it('cannot express a peer source, and needs service:read on the destination', async () => {
    const peer = await api(open, 'GET', '/v1/connect/intentions/check?source=peer:east/web&destination=api');
    expect(peer.status).toBe(500);
    expect(peer.text).toBe('source "peer:east/web" is invalid: cannot specify a peer here');
    const missing = await api(open, 'GET', '/v1/connect/intentions/check?destination=api');
    expect(missing.text).toBe("required query parameter 'source' not set");
    const nobody = await tokenWithRules(secured, 'db-only', 'service "db" { policy = "read" }');
    const denied = await api(
      secured,
      'GET',
      '/v1/connect/intentions/check?source=web&destination=api',
      undefined,
      nobody,
    );
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('lacks permission \'service:read\' on "api"');
  });
});

describe('GET /v1/connect/intentions/exact', () => {
  it('returns the intention of a peer source, 404 without one', async () => {
    const found = await api(open, 'GET', '/v1/connect/intentions/exact?source=peer:east/web&destination=api');
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({
      SourcePeer: 'east',
      SourceName: 'web',
      SourceNS: 'default',
      DestinationName: 'api',
      DestinationNS: 'default',
      SourceType: 'consul',
      Action: 'allow',
      Precedence: 9,
    });
    const local = await api(open, 'GET', '/v1/connect/intentions/exact?source=web&destination=api');
    expect(local.json).toMatchObject({ SourceName: 'web', Action: 'deny' });
    expect(local.json.SourcePeer).toBeUndefined();
    const none = await api(open, 'GET', '/v1/connect/intentions/exact?source=peer:west/web&destination=api');
    expect(none.status).toBe(404);
    expect(none.text).toBe('Intention not found');
  });

  it('answers 403 Permission denied to a token that reads neither side', async () => {
    const nobody = await tokenWithRules(secured, 'db-reader', 'service "db" { policy = "read" }');
    const denied = await api(
      secured,
      'GET',
      '/v1/connect/intentions/exact?source=peer:east/web&destination=api',
      undefined,
      nobody,
    );
    expect(denied.status).toBe(403);
    expect(denied.text).toBe('Permission denied');
  });
});

describe('GET /v1/connect/intentions/match', () => {
  it('lists every intention covering the destination, peer sources included, by precedence', async () => {
    const wildcard = {
      Kind: 'service-intentions',
      Name: '*',
      Sources: [{ Name: 'web', Peer: 'east', Action: 'deny' }],
    };
    expect((await api(open, 'PUT', '/v1/config', wildcard)).status).toBe(200);
    const res = await api(open, 'GET', '/v1/connect/intentions/match?by=destination&name=api');
    expect(res.status).toBe(200);
    const rows = res.json.api.map((i: Record<string, unknown>) => [
      i.SourcePeer ?? '',
      i.SourceName,
      i.DestinationName,
      i.Action,
      i.Precedence,
    ]);
    expect(rows).toEqual([
      ['', 'web', 'api', 'deny', 9],
      ['east', 'web', 'api', 'allow', 9],
      ['west', '*', 'api', 'deny', 8],
      ['east', 'web', '*', 'deny', 6],
    ]);
    const bad = await api(open, 'GET', '/v1/connect/intentions/match?by=peer&name=api');
    expect(bad.text).toBe("'by' parameter must be one of 'source' or 'destination'");
  });

  it('needs intention:read on the name', async () => {
    const nobody = await tokenWithRules(secured, 'web-deny', 'service "api" { policy = "deny" }');
    const denied = await api(
      secured,
      'GET',
      '/v1/connect/intentions/match?by=destination&name=api',
      undefined,
      nobody,
    );
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('lacks permission \'intention:read\' on "api"');
  });
});
