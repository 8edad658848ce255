/**
 * Traffic into a non-default admin partition of another datacenter: the partition install's own
 * mesh gateway routes the SNI naming its partition, the sidecar's SPIFFE ID carries `/ap/finance`,
 * and the intentions of the finance partition decide for the peer's caller (default allow here:
 * the sandbox simulates no managed ACLs for partition installs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox.ts';
import { parseSandboxConfig } from '../../src/sandbox-config.ts';
import { waitFor } from '../sandbox-test-helpers.ts';
import { consulCall, writeEntry } from './traffic-test-helpers.ts';

const CONFIG = `
clusters:
  - name: cluster-01
    enterprise: true
    partitions: [finance]
  - name: cluster-01-finance
    enterprise: true
    partitionOf: { cluster: cluster-01, partition: finance }
    services: [ { name: ledger } ]
  - name: cluster-02
    enterprise: true
    services: [ { name: static-client, instances: 1 } ]
consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10000 }
`;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ config: parseSandboxConfig(CONFIG, 'partitions.yaml'), persist: false });
  const generated = (await consulCall(sandbox, 'cluster-01', 'POST', '/v1/peering/token?partition=finance', {
    PeerName: 'cluster-02',
  })) as { PeeringToken: string };
  await consulCall(sandbox, 'cluster-02', 'POST', '/v1/peering/establish', {
    PeerName: 'cluster-01-finance',
    PeeringToken: generated.PeeringToken,
  });
  await consulCall(sandbox, 'cluster-01', 'PUT', '/v1/config?partition=finance', {
    Kind: 'exported-services',
    Name: 'finance',
    Services: [{ Name: 'ledger', Consumers: [{ Peer: 'cluster-02' }] }],
  });
  await writeEntry(sandbox, 'cluster-02', {
    Kind: 'proxy-defaults',
    Name: 'global',
    MeshGateway: { Mode: 'local' },
  });
  const imported = () =>
    sandbox.stack('cluster-02').consul.traffic.importedInstances('cluster-01-finance', 'ledger');
  await waitFor(() => (imported().length === 2 ? true : undefined), 'cluster-02 to import ledger', 10_000);
  const bundles = sandbox.stack('cluster-01').consul.connect.peerTrustBundles;
  await waitFor(
    () => (bundles('finance').length === 1 ? true : undefined),
    "finance to hold cluster-02's bundle",
  );
}, 30_000);

afterAll(async () => {
  await sandbox?.stop();
});

const request = () =>
  sandbox.traffic.request({
    from: { cluster: 'cluster-02', service: 'static-client' },
    to: 'ledger',
    peer: 'cluster-01-finance',
  });

describe('traffic into a peer partition', () => {
  it('is allowed by default without ACLs, and refused by a deny intention in the finance partition', async () => {
    expect(await request()).toMatchObject({
      ok: true,
      answeredBy: { cluster: 'cluster-01-finance', partition: 'finance', service: 'ledger' },
      via: ['cluster-02 mesh-gateway', 'cluster-01-finance mesh-gateway'],
    });
    await consulCall(sandbox, 'cluster-01', 'PUT', '/v1/config?partition=finance', {
      Kind: 'service-intentions',
      Name: 'ledger',
      Sources: [{ Name: 'static-client', Peer: 'cluster-02', Action: 'deny' }],
    });
    expect(await request()).toMatchObject({ ok: false, reason: 'denied' });
    const routed = Object.keys(sandbox.stack('cluster-01-finance').gateway?.counters().routed ?? {});
    expect(routed.some((name) => name.startsWith('ledger.default.finance.cluster-02.external.'))).toBe(true);
  });
});
