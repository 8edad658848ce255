import { describe, expect, it } from 'vitest';
import { ConsulClient, ConsulError } from '../../src/consul/consul-client.ts';
import type { ConsulTransport } from '../../src/consul/consul-transport.ts';

function answering(status: number, body: string): ConsulTransport {
  return {
    description: 'service proxy consul/https:consul-consul-server:https',
    send: async () => ({ status, body }),
  };
}

describe('Consul through the Kubernetes service proxy', () => {
  it('reads a plain 404 from Consul as "no such peering"', async () => {
    const client = new ConsulClient(answering(404, ''));
    expect(await client.readPeering('cluster-02')).toBeUndefined();
  });

  it('never reads a 404 of the proxy (no such Service or port) as "no such peering"', async () => {
    const status = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'services "consul-server" not found',
      reason: 'NotFound',
      code: 404,
    });
    const error = await new ConsulClient(answering(404, status))
      .readPeering('cluster-02')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsulError);
    expect((error as ConsulError).status).toBe(0);
    expect((error as ConsulError).message).toBe(
      'consul unreachable via service proxy consul/https:consul-consul-server:https: kubernetes service proxy: services "consul-server" not found (404)',
    );
  });

  it('tells a Consul ACL refusal (plain text) from an RBAC refusal of the proxy (a Status)', async () => {
    const consul = await new ConsulClient(answering(403, 'Permission denied'))
      .listPeerings()
      .catch((e: unknown) => e);
    expect((consul as ConsulError).status).toBe(403);
    const rbac = JSON.stringify({
      kind: 'Status',
      message: 'services "https:x:https" is forbidden',
      code: 403,
    });
    const proxy = await new ConsulClient(answering(403, rbac)).listPeerings().catch((e: unknown) => e);
    expect((proxy as ConsulError).status).toBe(0);
  });
});
