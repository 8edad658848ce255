/**
 * What a simulated server is without options, as a default chart install is: one server that
 * leads, the plain HTTP API only, and Consul's real stream intervals (peerstream/server.go).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedConsul, startConsulServer } from '../../src/consul/consul-server.ts';
import { defaultSandboxConfig, resolveSandboxConfig } from '../../src/sandbox-config.ts';

let server: SimulatedConsul;

beforeAll(async () => {
  server = await startConsulServer({ cluster: 'plain', datacenter: 'dc1' });
});

afterAll(async () => {
  await server?.stop();
});

describe('a simulated server with default options', () => {
  it('runs one leading server and the plain HTTP API', () => {
    expect(server.servers).toEqual([
      { name: 'consul-consul-server-0', peeringAddress: server.peeringAddress, leader: true },
    ]);
    expect(server.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.apiUrl).toBe(server.httpUrl);
    expect(server.httpsUrl).toBeUndefined();
    expect(server.apiCaPem).toBeUndefined();
  });

  it('heartbeats every 15 s and times a stream out after 2 minutes, as Consul does', () => {
    expect(server.intervals).toEqual({ heartbeatIntervalMs: 15_000, idleTimeoutMs: 120_000 });
    expect(defaultSandboxConfig(1).consul).toEqual({ heartbeatIntervalMs: 15_000, idleTimeoutMs: 120_000 });
    expect(resolveSandboxConfig({ clusters: [{ name: 'a' }] }).consul).toEqual({
      heartbeatIntervalMs: 15_000,
      idleTimeoutMs: 120_000,
    });
  });

  it('keeps the one server and its leadership when asked to move it to the next server', async () => {
    await server.faults.transferLeadership();
    expect(server.servers.map((s) => s.leader)).toEqual([true]);
  });
});
