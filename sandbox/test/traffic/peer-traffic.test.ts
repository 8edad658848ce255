/**
 * Traffic from a peer's service through the mesh gateways, enforced by the destination's sidecar:
 * refused while ACLs make intentions default to deny, allowed by an allow intention for the peer's
 * service, refused again when a more precise deny outranks a wildcard allow; mode `local` through
 * both gateways, mode `remote` straight to the exporting side's gateway; and a service the peer
 * does not export has no route at its gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox.ts';
import { LeafSigner } from '../../src/traffic/connect-leaf.ts';
import { peeredServiceSni } from '../../src/traffic/sni-names.ts';
import { spiffeIdOf } from '../../src/traffic/spiffe-id.ts';
import { dialUpstream } from '../../src/traffic/upstream-dial.ts';
import { deleteEntry, startPeeredSandbox, writeEntry } from './traffic-test-helpers.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startPeeredSandbox();
  await writeEntry(sandbox, 'cluster-01', {
    Kind: 'proxy-defaults',
    Name: 'global',
    MeshGateway: { Mode: 'local' },
  });
}, 30_000);

afterAll(async () => {
  await sandbox?.stop();
});

const fromClient = {
  from: { cluster: 'cluster-01', service: 'static-client' },
  to: 'static-server',
  peer: 'cluster-02',
};

/** A leaf for cluster-01's static-client, signed by cluster-01's Connect CA. */
function clientLeaf() {
  const consul = sandbox.stack('cluster-01').consul;
  const id = {
    trustDomain: consul.connect.trustDomain,
    partition: 'default',
    namespace: 'default',
    datacenter: consul.datacenter,
    service: 'static-client',
  };
  return new LeafSigner(consul.connect).leaf(spiffeIdOf(id));
}

function intentions(sources: readonly Record<string, unknown>[]) {
  return writeEntry(sandbox, 'cluster-02', {
    Kind: 'service-intentions',
    Name: 'static-server',
    Sources: sources,
  });
}

describe('traffic from a peer through the mesh gateways', () => {
  it('is refused by the destination sidecar while no intention allows it (ACL default deny)', async () => {
    const result = await sandbox.traffic.request(fromClient);
    expect(result).toMatchObject({
      ok: false,
      reason: 'denied',
      via: ['cluster-01 mesh-gateway', 'cluster-02 mesh-gateway'],
    });
    expect(result.ok === false && result.message).toContain('no intention matched: default deny');
  });

  it('is allowed by an allow intention for the peer service, through both gateways in mode local', async () => {
    await intentions([{ Name: 'static-client', Peer: 'cluster-01', Action: 'allow' }]);
    const before = sandbox.stack('cluster-01').gateway?.counters().routed ?? {};
    const result = await sandbox.traffic.request(fromClient);
    expect(result).toMatchObject({
      ok: true,
      answeredBy: { cluster: 'cluster-02', partition: 'default', service: 'static-server' },
      target: { service: 'static-server', peer: 'cluster-02' },
      via: ['cluster-01 mesh-gateway', 'cluster-02 mesh-gateway'],
    });
    const after = sandbox.stack('cluster-01').gateway?.counters().routed ?? {};
    const name = Object.keys(after).find((n) =>
      n.startsWith('static-server.default.default.cluster-01.external.'),
    );
    expect(name).toBeDefined();
    expect((after[name ?? ''] ?? 0) - (before[name ?? ''] ?? 0)).toBe(1);
    expect(sandbox.stack('cluster-02').gateway?.counters().routed[name ?? '']).toBeGreaterThanOrEqual(1);
  });

  it('is refused when a deny for the exact service outranks an allow for every service of the peer', async () => {
    await intentions([
      { Name: '*', Peer: 'cluster-01', Action: 'allow' },
      { Name: 'static-client', Peer: 'cluster-01', Action: 'deny' },
    ]);
    const denied = await sandbox.traffic.request(fromClient);
    expect(denied).toMatchObject({ ok: false, reason: 'denied' });
    expect(denied.ok === false && denied.message).toContain(
      'static-client of peer cluster-01 -> static-server: deny (precedence 9)',
    );
    await intentions([
      { Name: '*', Peer: 'cluster-01', Action: 'deny' },
      { Name: 'static-client', Peer: 'cluster-01', Action: 'allow' },
    ]);
    expect(await sandbox.traffic.request(fromClient)).toMatchObject({ ok: true });
  });

  it('goes straight to the exporting gateway in mode remote', async () => {
    await writeEntry(sandbox, 'cluster-01', {
      Kind: 'proxy-defaults',
      Name: 'global',
      MeshGateway: { Mode: 'remote' },
    });
    const local = sandbox.stack('cluster-01').gateway?.counters().routed ?? {};
    const result = await sandbox.traffic.request(fromClient);
    expect(result).toMatchObject({ ok: true, via: ['cluster-02 mesh-gateway'] });
    expect(sandbox.stack('cluster-01').gateway?.counters().routed).toEqual(local);
    await writeEntry(sandbox, 'cluster-01', {
      Kind: 'proxy-defaults',
      Name: 'global',
      MeshGateway: { Mode: 'local' },
    });
  });

  it('has no route at the exporting gateway for a service not exported to that peer', async () => {
    const trustDomain = sandbox.stack('cluster-02').consul.connect.trustDomain;
    const sni = (service: string) =>
      peeredServiceSni({
        service,
        namespace: 'default',
        partition: 'default',
        peer: 'cluster-01',
        trustDomain,
      });
    const result = await sandbox.traffic.request({ ...fromClient, to: 'billing' });
    expect(result).toMatchObject({ ok: false, reason: 'no-healthy-upstream' });
    const gateway = sandbox.stack('cluster-02').gateway;
    gateway?.resetCounters();
    const refused = await dialUpstream({
      firstHop: gateway?.address ?? '',
      serverName: sni('billing'),
      leaf: await clientLeaf(),
      roots: [],
      expectedServerId: '',
    });
    expect(refused.kind).toBe('closed-before-handshake');
    expect(gateway?.counters().refused[sni('billing')]).toBe(1);
    expect(gateway?.counters().routed[sni('billing')]).toBeUndefined();
  });

  it('is refused again once the intentions are deleted', async () => {
    await deleteEntry(sandbox, 'cluster-02', 'service-intentions', 'static-server');
    expect(await sandbox.traffic.request(fromClient)).toMatchObject({ ok: false, reason: 'denied' });
  });

  it('refuses a caller the cluster does not run, and a cluster without a Consul install', async () => {
    await expect(
      sandbox.traffic.request({ from: { cluster: 'cluster-01', service: 'billing' }, to: 'static-server' }),
    ).rejects.toThrow('sandbox cluster "cluster-01" runs no service "billing" to call from');
    await expect(
      sandbox.traffic.request({
        from: { cluster: 'cluster-09', service: 'static-client' },
        to: 'static-server',
      }),
    ).rejects.toThrow('sandbox cluster "cluster-09" runs no consul install');
  });
});
