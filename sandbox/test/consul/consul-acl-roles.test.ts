/**
 * Roles, logins and the ACL read endpoints of a simulated server with managed ACLs, through the
 * HTTP API only: a login token bound to the gateway role, a policy linked to that role taking
 * effect at once, a `helm upgrade` re-run, Consul's 403/404 answers and JSON field names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { api, startServer } from './consul-test-helpers.ts';

let named: SimulatedConsul;
let legacy: SimulatedConsul;

beforeAll(async () => {
  // Release `consul` with `global.name: consul`, and a default install of a chart before consul-k8s#1685.
  named = await startServer({
    cluster: 'named',
    datacenter: 'dc1',
    acls: { enabled: true, resourcePrefix: 'consul' },
  });
  legacy = await startServer({
    cluster: 'legacy',
    datacenter: 'dc2',
    acls: { enabled: true, gatewayPolicyLacksPeeringRead: true },
  });
});

afterAll(async () => {
  await Promise.all([named?.stop(), legacy?.stop()]);
});

function root(server: SimulatedConsul): string {
  return server.acl?.bootstrapToken ?? '';
}

describe('simulated Consul roles and logins', () => {
  it('logs a component in and binds its token to the role of its binding rule', async () => {
    const login = await api(named, 'POST', '/v1/acl/login', {
      AuthMethod: 'consul-k8s-component-auth-method',
      BearerToken: 'consul-mesh-gateway',
      Meta: { pod: 'consul/consul-mesh-gateway-0', component: 'mesh-gateway' },
    });
    expect(login.status).toBe(200);
    expect(Object.keys(login.json).sort()).toEqual([
      'AccessorID',
      'AuthMethod',
      'CreateIndex',
      'CreateTime',
      'Description',
      'Local',
      'ModifyIndex',
      'Roles',
      'SecretID',
    ]);
    expect(login.json).toMatchObject({
      Description:
        'token created via login: {"component":"mesh-gateway","pod":"consul/consul-mesh-gateway-0"}',
      Local: true,
      AuthMethod: 'consul-k8s-component-auth-method',
      Roles: [{ Name: 'consul-mesh-gateway-acl-role' }],
    });
    const self = await api(named, 'GET', '/v1/acl/token/self', undefined, login.json.SecretID);
    expect(self.json.Roles).toEqual(login.json.Roles);
    expect((await api(named, 'GET', '/v1/peerings', undefined, login.json.SecretID)).status).toBe(200);
    const logout = await api(named, 'POST', '/v1/acl/logout', undefined, login.json.SecretID);
    expect(logout.json).toBe(true);
    const gone = await api(named, 'GET', '/v1/acl/token/self', undefined, login.json.SecretID);
    expect([gone.status, gone.text]).toEqual([404, 'Supplied token does not exist']);
  });

  it('refuses logins through unknown methods and for service accounts no rule binds', async () => {
    const unknown = await api(named, 'POST', '/v1/acl/login', { AuthMethod: 'nope', BearerToken: 'x' });
    expect([unknown.status, unknown.text]).toEqual([403, 'ACL not found: auth method "nope" not found']);
    const unbound = await api(named, 'POST', '/v1/acl/login', {
      AuthMethod: 'consul-k8s-component-auth-method',
      BearerToken: 'consul-consul-mesh-gateway',
    });
    expect([unbound.status, unbound.text]).toEqual([403, 'Permission denied']);
  });

  it('lets the gateway token read peerings once a policy is linked to its role, and keeps the link through a re-run', async () => {
    const token = legacy.acl?.meshGatewayToken;
    const denied = await api(legacy, 'GET', '/v1/peerings', undefined, token);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain("lacks permission 'peering:read'");
    const policy = await api(
      legacy,
      'PUT',
      '/v1/acl/policy',
      { Name: 'peering-read', Rules: 'peering = "read"' },
      root(legacy),
    );
    expect(policy.status).toBe(200);
    const role = await api(
      legacy,
      'GET',
      '/v1/acl/role/name/consul-consul-mesh-gateway-acl-role',
      undefined,
      root(legacy),
    );
    const linked = await api(
      legacy,
      'PUT',
      `/v1/acl/role/${role.json.ID}`,
      { ...role.json, Policies: [...role.json.Policies, { Name: 'peering-read' }] },
      root(legacy),
    );
    expect(linked.json.Policies.map((p: { Name: string }) => p.Name)).toEqual([
      'mesh-gateway-policy',
      'peering-read',
    ]);
    expect((await api(legacy, 'GET', '/v1/peerings', undefined, token)).status).toBe(200);
    await rerunKeepsTheLink(token);
  });
});

/** `helm upgrade`: server-acl-init rewrites mesh-gateway-policy and writes back the role as it read it. */
async function rerunKeepsTheLink(token: string | undefined): Promise<void> {
  const policy = await api(legacy, 'GET', '/v1/acl/policy/name/mesh-gateway-policy', undefined, root(legacy));
  const original = policy.json.Rules as string;
  const edited = await api(
    legacy,
    'PUT',
    `/v1/acl/policy/${policy.json.ID}`,
    { ...policy.json, Rules: `${original}\nacl = "read"` },
    root(legacy),
  );
  expect(edited.json.Rules).toContain('acl = "read"');
  expect((await api(legacy, 'GET', '/v1/acl/roles', undefined, token)).status).toBe(200);
  legacy.acl?.rerun();
  const after = await api(legacy, 'GET', `/v1/acl/policy/${policy.json.ID}`, undefined, root(legacy));
  expect(after.json.Rules).toBe(original);
  expect((await api(legacy, 'GET', '/v1/acl/roles', undefined, token)).status).toBe(403);
  const role = await api(
    legacy,
    'GET',
    '/v1/acl/role/name/consul-consul-mesh-gateway-acl-role',
    undefined,
    root(legacy),
  );
  expect(role.json.Policies.map((p: { Name: string }) => p.Name)).toEqual([
    'mesh-gateway-policy',
    'peering-read',
  ]);
  expect((await api(legacy, 'GET', '/v1/peerings', undefined, token)).status).toBe(200);
}

describe('simulated Consul ACL reads and writes', () => {
  it('answers 403 to a token without acl:read on every ACL read, and 404 for what does not exist', async () => {
    const token = named.acl?.meshGatewayToken;
    const self = await api(named, 'GET', '/v1/acl/token/self', undefined, token);
    for (const path of [
      '/v1/acl/policies',
      '/v1/acl/policy/name/mesh-gateway-policy',
      `/v1/acl/role/${self.json.Roles[0].ID}`,
      '/v1/acl/role/name/consul-mesh-gateway-acl-role',
      '/v1/acl/roles',
      '/v1/acl/binding-rules?authmethod=consul-k8s-component-auth-method',
      '/v1/acl/auth-methods',
      `/v1/acl/token/${self.json.AccessorID}`,
    ]) {
      const res = await api(named, 'GET', path, undefined, token);
      expect([path, res.status, res.text]).toEqual([
        path,
        403,
        `Permission denied: token with AccessorID '${self.json.AccessorID}' lacks permission 'acl:read'`,
      ]);
    }
    for (const [path, text] of [
      ['/v1/acl/policy/name/nope', 'Requested policy does not exist: ACL not found'],
      ['/v1/acl/role/name/nope', 'Requested role does not exist: ACL not found'],
      ['/v1/acl/auth-method/nope', 'Requested auth method does not exist: ACL not found'],
    ] as const) {
      const res = await api(named, 'GET', path, undefined, root(named));
      expect([res.status, res.text]).toEqual([404, text]);
    }
    const noToken = await api(named, 'GET', '/v1/acl/token/self');
    expect([noToken.status, noToken.text]).toEqual([404, 'Supplied token does not exist']);
  });

  it('lists roles, policies, binding rules and auth methods with Consul field names', async () => {
    const token = root(named);
    const roles = await api(named, 'GET', '/v1/acl/roles', undefined, token);
    expect(roles.json.map((r: { Name: string }) => r.Name)).toEqual([
      'consul-connect-inject-acl-role',
      'consul-mesh-gateway-acl-role',
    ]);
    expect(Object.keys(roles.json[0]).sort()).toEqual([
      'CreateIndex',
      'Description',
      'ID',
      'ModifyIndex',
      'Name',
      'Policies',
    ]);
    const policies = await api(named, 'GET', '/v1/acl/policies', undefined, token);
    expect(Object.keys(policies.json[0]).sort()).toEqual([
      'CreateIndex',
      'Datacenters',
      'Description',
      'ID',
      'ModifyIndex',
      'Name',
    ]);
    const rules = await api(
      named,
      'GET',
      '/v1/acl/binding-rules?authmethod=consul-k8s-component-auth-method',
      undefined,
      token,
    );
    expect(rules.json.map((r: { BindName: string }) => r.BindName)).toEqual([
      'consul-connect-inject-acl-role',
      'consul-mesh-gateway-acl-role',
    ]);
    expect(Object.keys(rules.json[0]).sort()).toEqual([
      'AuthMethod',
      'BindName',
      'BindType',
      'CreateIndex',
      'Description',
      'ID',
      'ModifyIndex',
      'Selector',
    ]);
    const methods = await api(named, 'GET', '/v1/acl/auth-methods', undefined, token);
    expect(methods.json).toMatchObject([
      { Name: 'consul-k8s-auth-method', Type: 'kubernetes', Description: 'Kubernetes Auth Method' },
      { Name: 'consul-k8s-component-auth-method', Type: 'kubernetes' },
    ]);
    expect(methods.json[0].Config).toBeUndefined();
  });

  it('stores a policy or token update as sent, clearing what the body leaves out', async () => {
    const token = root(named);
    const created = await api(
      named,
      'PUT',
      '/v1/acl/policy',
      { Name: 'kept', Description: 'a description', Rules: 'mesh = "read"', Datacenters: ['dc1'] },
      token,
    );
    expect(created.json.Datacenters).toEqual(['dc1']);
    const updated = await api(
      named,
      'PUT',
      `/v1/acl/policy/${created.json.ID}`,
      { Name: 'kept', Rules: 'mesh = "write"' },
      token,
    );
    expect(updated.json).toMatchObject({ Description: '', Rules: 'mesh = "write"', Datacenters: null });
    const mismatch = await api(
      named,
      'PUT',
      `/v1/acl/policy/${created.json.ID}`,
      { ID: 'other', Name: 'kept' },
      token,
    );
    expect([mismatch.status, mismatch.text]).toEqual([400, 'Policy ID in URL and payload do not match']);
    const withPolicy = await api(
      named,
      'PUT',
      '/v1/acl/token',
      { Description: 't', Policies: [{ Name: 'kept' }] },
      token,
    );
    const bare = await api(
      named,
      'PUT',
      `/v1/acl/token/${withPolicy.json.AccessorID}`,
      { Description: 't' },
      token,
    );
    expect(bare.json.Policies).toBeUndefined();
    expect(bare.json.SecretID).toBe(withPolicy.json.SecretID);
    const duplicate = await api(named, 'PUT', '/v1/acl/policy', { Name: 'kept' }, token);
    expect([duplicate.status, duplicate.text]).toEqual([
      500,
      'Invalid Policy: A Policy with Name "kept" already exists',
    ]);
  });
});
