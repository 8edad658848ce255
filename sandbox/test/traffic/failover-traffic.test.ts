/**
 * Failover to a peer as the discovery chain orders it: cluster-01's static-client reaches its own
 * static-server while any local instance is healthy (warning counts as healthy), the peer's
 * exported instances once every local one is critical, its own again when they pass, and nothing
 * once the peer's instances are critical too (their health replicated through the peering).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox.ts';
import type { TrafficResult } from '../../src/traffic/sandbox-traffic.ts';
import { waitFor } from '../sandbox-test-helpers.ts';
import { startPeeredSandbox, writeEntry } from './traffic-test-helpers.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startPeeredSandbox();
  await writeEntry(sandbox, 'cluster-01', {
    Kind: 'proxy-defaults',
    Name: 'global',
    MeshGateway: { Mode: 'local' },
  });
  await writeEntry(sandbox, 'cluster-01', {
    Kind: 'service-resolver',
    Name: 'static-server',
    Failover: { '*': { Targets: [{ Peer: 'cluster-02' }] } },
  });
  await writeEntry(sandbox, 'cluster-01', {
    Kind: 'service-intentions',
    Name: 'static-server',
    Sources: [{ Name: 'static-client', Action: 'allow' }],
  });
  await writeEntry(sandbox, 'cluster-02', {
    Kind: 'service-intentions',
    Name: 'static-server',
    Sources: [{ Name: 'static-client', Peer: 'cluster-01', Action: 'allow' }],
  });
}, 30_000);

afterAll(async () => {
  await sandbox?.stop();
});

const request = () =>
  sandbox.traffic.request({ from: { cluster: 'cluster-01', service: 'static-client' }, to: 'static-server' });

/** Who answered: `<cluster>/<instance>`, or the failure reason. */
function answerer(result: TrafficResult): string {
  return result.ok ? `${result.answeredBy.cluster}/${result.answeredBy.instance}` : result.reason;
}

async function answerers(count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) out.push(answerer(await request()));
  return [...new Set(out)].sort();
}

describe('failover to a peer', () => {
  it('stays local while a local instance is healthy, spreading over the healthy ones', async () => {
    expect(await answerers(4)).toEqual(['cluster-01/static-server-0', 'cluster-01/static-server-1']);
    sandbox.setServiceHealth('cluster-01', 'static-server', 'critical', 'static-server-0');
    expect(await answerers(4)).toEqual(['cluster-01/static-server-1']);
    sandbox.setServiceHealth('cluster-01', 'static-server', 'warning', 'static-server-0');
    expect(await answerers(4)).toEqual(['cluster-01/static-server-0', 'cluster-01/static-server-1']);
  });

  it('fails over to the peer once every local instance is critical, through both gateways', async () => {
    expect(sandbox.setServiceHealth('cluster-01', 'static-server', 'critical')).toBe(2);
    const result = await request();
    expect(result).toMatchObject({
      ok: true,
      answeredBy: { cluster: 'cluster-02', service: 'static-server' },
      target: { service: 'static-server', peer: 'cluster-02' },
      via: ['cluster-01 mesh-gateway', 'cluster-02 mesh-gateway'],
    });
  });

  it('comes back once the local instances pass again', async () => {
    sandbox.setServiceHealth('cluster-01', 'static-server', 'passing');
    expect(await answerers(4)).toEqual(['cluster-01/static-server-0', 'cluster-01/static-server-1']);
  });

  it('finds no healthy upstream when the peer instances are critical too (replicated health)', async () => {
    sandbox.setServiceHealth('cluster-01', 'static-server', 'critical');
    sandbox.setServiceHealth('cluster-02', 'static-server', 'critical');
    const imported = () =>
      sandbox.stack('cluster-01').consul.traffic.importedInstances('cluster-02', 'static-server');
    await waitFor(
      () => (imported().every((n) => n.Checks.every((c) => c.Status === 'critical')) ? true : undefined),
      'the critical checks to replicate to cluster-01',
      10_000,
    );
    const result = await request();
    expect(result).toMatchObject({ ok: false, reason: 'no-healthy-upstream' });
    expect(result.ok === false && result.message).toBe(
      'no healthy upstream: tried static-server in partition default, then static-server of peer cluster-02',
    );
  });
});
