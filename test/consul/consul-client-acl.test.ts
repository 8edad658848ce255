import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type AclPolicy, type AclRole, type AclToken, ConsulClient } from '../../src/consul/consul-client.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';
import { redact } from '../../src/secrets/redact.ts';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly token: string | undefined;
  readonly body: unknown;
}

/** A stand-in for Consul's HTTP API: canned answers per "METHOD path", every request recorded. */
async function fakeConsul(routes: Record<string, { status?: number; body?: unknown }>) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      const header = req.headers['x-consul-token'];
      requests.push({
        method: req.method ?? '',
        path,
        token: typeof header === 'string' ? header : undefined,
        body: text === '' ? undefined : JSON.parse(text),
      });
      const route = routes[`${req.method} ${path}`];
      res.statusCode = route?.status ?? (route === undefined ? 404 : 200);
      res.end(
        route?.body === undefined ? (route === undefined ? 'not found' : '') : JSON.stringify(route.body),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const info = server.address();
  const port = typeof info === 'object' && info !== null ? info.port : 0;
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const client = new ConsulClient(directTransport(`http://127.0.0.1:${port}`), 'meshpeer-token-0123456789');
  return { client, requests };
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const role: AclRole = {
  ID: 'role-1',
  Name: 'consul-mesh-gateway-acl-role',
  Description: 'ACL Role for consul-mesh-gateway',
  Policies: [{ ID: 'pol-gw', Name: 'mesh-gateway-policy' }],
  ServiceIdentities: [{ ServiceName: 'mesh-gateway', Datacenters: ['dc1'] }],
  NodeIdentities: [{ NodeName: 'node-a', Datacenter: 'dc1' }],
  Namespace: 'default',
  Hash: 'aGFzaA==',
  CreateIndex: 10,
  ModifyIndex: 12,
};

const policy: AclPolicy = {
  ID: 'pol-1',
  Name: 'meshpeer-mesh-gateway',
  Description: 'kept on update',
  Rules: 'mesh = "write"',
  Datacenters: ['dc1', 'dc2'],
  Hash: 'aGFzaA==',
  CreateIndex: 3,
  ModifyIndex: 4,
};

describe('ConsulClient ACL roles', () => {
  it('reads a role by name and sends the whole role back on update, so no link is lost', async () => {
    const { client, requests } = await fakeConsul({
      'GET /v1/acl/role/name/consul-mesh-gateway-acl-role': { body: role },
      'PUT /v1/acl/role/role-1': { body: role },
    });
    const read = await client.readRoleByName(role.Name);
    expect(read).toEqual(role);
    if (read === undefined) throw new Error('role not read');
    const extra = { ID: 'pol-meshpeer', Name: 'meshpeer-mesh-gateway' };
    await client.updateRole({ ...read, Policies: [...(read.Policies ?? []), extra] });
    expect(requests.at(-1)).toEqual({
      method: 'PUT',
      path: '/v1/acl/role/role-1',
      token: 'meshpeer-token-0123456789',
      body: { ...role, Policies: [{ ID: 'pol-gw', Name: 'mesh-gateway-policy' }, extra] },
    });
  });

  it('answers undefined for roles, policies and tokens that do not exist', async () => {
    const { client, requests } = await fakeConsul({});
    expect(await client.readRole('nope')).toBeUndefined();
    expect(await client.readRoleByName('a role/with spaces')).toBeUndefined();
    expect(await client.readPolicy('nope')).toBeUndefined();
    expect(await client.readPolicyByName('nope')).toBeUndefined();
    expect(await client.readToken('nope')).toBeUndefined();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/acl/role/nope',
      'GET /v1/acl/role/name/a%20role%2Fwith%20spaces',
      'GET /v1/acl/policy/nope',
      'GET /v1/acl/policy/name/nope',
      'GET /v1/acl/token/nope',
    ]);
  });
});

describe('ConsulClient ACL policies', () => {
  it('keeps Description and Datacenters when updating a policy it read', async () => {
    const { client, requests } = await fakeConsul({
      'GET /v1/acl/policy/name/meshpeer-mesh-gateway': { body: policy },
      'PUT /v1/acl/policy/pol-1': { body: policy },
    });
    const read = await client.readPolicyByName(policy.Name);
    if (read === undefined) throw new Error('policy not read');
    await client.updatePolicy({ ...read, Rules: `${read.Rules}\npeering = "read"` });
    const put = requests.at(-1);
    expect(put?.method).toBe('PUT');
    expect(put?.path).toBe('/v1/acl/policy/pol-1');
    expect(put?.body).toEqual({ ...policy, Rules: 'mesh = "write"\npeering = "read"' });
  });

  it('creates a policy with PUT /v1/acl/policy and returns the ID Consul gave it', async () => {
    const created = { ...policy, ID: 'new-id' };
    const { client, requests } = await fakeConsul({ 'PUT /v1/acl/policy': { body: created } });
    const input = { Name: policy.Name, Description: 'why', Rules: 'peering = "read"', Datacenters: ['dc1'] };
    expect(await client.createPolicy(input)).toEqual(created);
    expect(requests).toEqual([
      { method: 'PUT', path: '/v1/acl/policy', token: 'meshpeer-token-0123456789', body: input },
    ]);
  });
});

describe('ConsulClient ACL tokens', () => {
  const secret = 'c0ffee00-1111-2222-3333-444455556666';
  const token: AclToken = {
    AccessorID: 'acc-1',
    SecretID: secret,
    Description: 'token created via login: {"component":"mesh-gateway"}',
    Roles: [{ ID: 'role-1', Name: 'consul-mesh-gateway-acl-role' }],
    ServiceIdentities: [{ ServiceName: 'mesh-gateway' }],
    NodeIdentities: [{ NodeName: 'node-a', Datacenter: 'dc1' }],
    Local: true,
    AuthMethod: 'consul-k8s-component-auth-method',
    CreateTime: '2024-05-01T10:00:00Z',
    Hash: 'aGFzaA==',
    CreateIndex: 7,
    ModifyIndex: 7,
  };

  it('reads itself with roles, identities and auth method, and registers the SecretID', async () => {
    const { client } = await fakeConsul({ 'GET /v1/acl/token/self': { body: token } });
    const self = await client.tokenSelf();
    expect(self?.Roles).toEqual(token.Roles);
    expect(self?.ServiceIdentities).toEqual(token.ServiceIdentities);
    expect(self?.NodeIdentities).toEqual(token.NodeIdentities);
    expect(self?.AuthMethod).toBe('consul-k8s-component-auth-method');
    expect(redact(`token ${secret}`)).toBe('token [redacted]');
  });

  it('reads another token by accessor and updates it with every field it read', async () => {
    const other = { ...token, AccessorID: 'acc-2', SecretID: 'beef0000-aaaa-bbbb-cccc-ddddeeeeffff' };
    const { client, requests } = await fakeConsul({
      'GET /v1/acl/token/acc-2': { body: other },
      'PUT /v1/acl/token/acc-2': { body: other },
    });
    const read = await client.readToken('acc-2');
    expect(redact(`x ${other.SecretID}`)).toBe('x [redacted]');
    if (read === undefined) throw new Error('token not read');
    const link = { ID: 'pol-1', Name: 'meshpeer-mesh-gateway' };
    await client.updateToken({ ...read, Policies: [link] });
    expect(requests.at(-1)).toMatchObject({ method: 'PUT', path: '/v1/acl/token/acc-2' });
    expect(requests.at(-1)?.body).toEqual({ ...other, Policies: [link] });
  });

  it("reads another token's own view with that token, never putting it in an error", async () => {
    const { client, requests } = await fakeConsul({
      'GET /v1/acl/token/self': { status: 403, body: 'ACL not found' },
    });
    const gatewaySecret = 'dead0000-aaaa-bbbb-cccc-ddddeeeeffff';
    const error = await client.tokenSelfOf(gatewaySecret).catch((e: unknown) => e);
    expect(requests[0]?.token).toBe(gatewaySecret);
    expect(String(error)).toContain('(403)');
    expect(String(error)).not.toContain(gatewaySecret);
  });
});
