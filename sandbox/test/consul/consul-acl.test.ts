/**
 * ACLs on a simulated server, through the HTTP API only: anonymous and unknown tokens, a token
 * lacking peering:write, the operator fallback, the bootstrap token, and the gateway's login token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, peer, startServer, waitForState } from './consul-test-helpers.ts';

let acceptor: SimulatedConsul;
let dialer: SimulatedConsul;
let legacy: SimulatedConsul;

async function tokenWithRules(server: SimulatedConsul, name: string, rules: string) {
  const root = server.acl?.bootstrapToken as string;
  const policy = await api(server, 'PUT', '/v1/acl/policy', { Name: name, Rules: rules }, root);
  expect(policy.status).toBe(200);
  const token = await api(
    server,
    'PUT',
    '/v1/acl/token',
    { Description: name, Policies: [{ ID: policy.json.ID }] },
    root,
  );
  expect(token.status).toBe(200);
  return token.json as { AccessorID: string; SecretID: string };
}

beforeAll(async () => {
  acceptor = await startServer({
    cluster: 'one',
    datacenter: 'dc1',
    acls: { enabled: true },
    services: [{ name: 'web' }],
  });
  dialer = await startServer({ cluster: 'two', datacenter: 'dc2', acls: { enabled: true } });
  legacy = await startServer({
    cluster: 'old',
    datacenter: 'dc3',
    acls: { enabled: true, gatewayPolicyLacksPeeringRead: true },
  });
});

afterAll(async () => {
  await Promise.all([acceptor?.stop(), dialer?.stop(), legacy?.stop()]);
});

describe('simulated Consul ACLs', () => {
  it('refuses requests without a token and with an unknown one', async () => {
    const anonymous = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: 'two' });
    expect(anonymous.status).toBe(403);
    expect(anonymous.text).toBe(
      "Permission denied: anonymous token lacks permission 'peering:write'. " +
        'The anonymous token is used implicitly when a request does not specify a token.',
    );
    const unknown = await api(acceptor, 'GET', '/v1/peerings', undefined, 'not-a-real-token');
    expect(unknown.status).toBe(403);
    expect(unknown.text).toBe('ACL not found');
  });

  it('names the missing permission of a token that lacks peering:write', async () => {
    const reader = await tokenWithRules(acceptor, 'peering-reader', 'peering = "read"');
    const denied = await api(acceptor, 'POST', '/v1/peering/token', { PeerName: 'two' }, reader.SecretID);
    expect(denied.status).toBe(403);
    expect(denied.text).toBe(
      `Permission denied: token with AccessorID '${reader.AccessorID}' lacks permission 'peering:write'`,
    );
    expect((await api(acceptor, 'GET', '/v1/peerings', undefined, reader.SecretID)).status).toBe(200);
    const mesh = await api(acceptor, 'PUT', '/v1/config', { Kind: 'mesh', Name: 'mesh' }, reader.SecretID);
    expect(mesh.status).toBe(403);
    expect(mesh.text).toContain("lacks permission 'mesh:write'");
  });

  it('lets operator:write stand in for peering:write and mesh:write', async () => {
    const operator = await tokenWithRules(acceptor, 'operator', 'operator = "write"');
    await peer(
      acceptor,
      dialer,
      { acceptorSide: 'two', dialerSide: 'one' },
      {
        acceptorToken: operator.SecretID,
        dialerToken: dialer.acl?.bootstrapToken as string,
      },
    );
    await waitForState(acceptor, 'two', 'ACTIVE', { token: operator.SecretID });
    const mesh = await api(
      acceptor,
      'PUT',
      '/v1/config',
      { Kind: 'mesh', Peering: { PeerThroughMeshGateways: false } },
      operator.SecretID,
    );
    expect(mesh.json).toBe(true);
    const overridden = await tokenWithRules(acceptor, 'peering-deny', 'operator = "write"\npeering = "deny"');
    expect((await api(acceptor, 'GET', '/v1/peerings', undefined, overridden.SecretID)).status).toBe(403);
  });

  it('lets the bootstrap token do everything and filters imports without service:read', async () => {
    const root = acceptor.acl?.bootstrapToken as string;
    const put = await api(
      acceptor,
      'PUT',
      '/v1/config',
      {
        Kind: 'exported-services',
        Name: 'default',
        Services: [{ Name: 'web', Consumers: [{ Peer: 'two' }] }],
      },
      root,
    );
    expect(put.json).toBe(true);
    const dialerRoot = dialer.acl?.bootstrapToken as string;
    await waitForState(dialer, 'one', 'ACTIVE', { token: dialerRoot });
    const seen = await waitForImported(dialer, dialerRoot);
    expect(seen).toHaveLength(2);
    const blind = await tokenWithRules(dialer, 'blind', 'peering = "read"');
    const filtered = await api(dialer, 'GET', '/v1/health/service/web?peer=one', undefined, blind.SecretID);
    expect(filtered.json).toEqual([]);
    expect(filtered.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
  });

  it('binds the gateway login token to its role, whose policy grants peering:read', async () => {
    const gatewayToken = acceptor.acl?.meshGatewayToken;
    const root = acceptor.acl?.bootstrapToken;
    const self = await api(acceptor, 'GET', '/v1/acl/token/self', undefined, gatewayToken);
    expect(self.status).toBe(200);
    expect(self.json.Policies).toBeUndefined();
    expect(self.json.Roles.map((r: { Name: string }) => r.Name)).toEqual([
      'consul-consul-mesh-gateway-acl-role',
    ]);
    expect(self.json.AuthMethod).toBe('consul-consul-k8s-component-auth-method');
    const ownRole = await api(
      acceptor,
      'GET',
      `/v1/acl/role/${self.json.Roles[0].ID}`,
      undefined,
      gatewayToken,
    );
    expect(ownRole.status).toBe(403);
    expect(ownRole.text).toBe(
      `Permission denied: token with AccessorID '${self.json.AccessorID}' lacks permission 'acl:read'`,
    );
    const role = await api(acceptor, 'GET', `/v1/acl/role/${self.json.Roles[0].ID}`, undefined, root);
    expect(role.json.Policies.map((p: { Name: string }) => p.Name)).toEqual(['mesh-gateway-policy']);
    const policy = await api(acceptor, 'GET', `/v1/acl/policy/${role.json.Policies[0].ID}`, undefined, root);
    expect(policy.json.Rules).toContain('peering = "read"');
    expect(policy.json.Rules).toContain('mesh = "write"');
    expect((await api(acceptor, 'GET', '/v1/peerings', undefined, gatewayToken)).status).toBe(200);
    const old = await api(legacy, 'GET', '/v1/peerings', undefined, legacy.acl?.meshGatewayToken);
    expect(old.status).toBe(403);
    expect(old.text).toContain("lacks permission 'peering:read'");
    const injector = await api(
      acceptor,
      'POST',
      '/v1/peering/token',
      { PeerName: 'by-injector' },
      acceptor.acl?.injectorToken,
    );
    expect(injector.status).toBe(200);
  });
});

async function waitForImported(server: SimulatedConsul, token: string): Promise<unknown[]> {
  for (;;) {
    const res = await api(server, 'GET', '/v1/health/service/web?peer=one', undefined, token);
    if (Array.isArray(res.json) && res.json.length > 0) return res.json;
    await new Promise((r) => setTimeout(r, 20));
  }
}
