/**
 * consul-k8s issue 1683 on the sandbox: the acceptor's PeeringAcceptor exists before the Mesh entry
 * peers through mesh gateways, so the simulated Consul puts its servers' addresses in the token
 * (agent/consul/peering_backend.go GetLocalServerAddresses). meshpeer refuses to copy that token,
 * naming the addresses and the fix; once the Mesh setting is in effect it rotates the token, the
 * new one lists the gateway, and the peering converges.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ConsulClient } from '../../src/consul/consul-client.ts';
import { readPeeringAddresses, tokenServerAddresses } from '../../src/consul/token-addresses.ts';
import { connectCluster } from '../../src/kube/cluster-connections.ts';
import { acceptorResource } from '../../src/resources/consul-resources.ts';
import { redact } from '../../src/secrets/redact.ts';
import {
  type ExampleSandbox,
  shortIntervals,
  startExampleSandbox,
  startQueue,
} from '../integration/sandbox-fixture.ts';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';

const redisUrl = inject('redisUrl');

async function until<T>(what: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function kube(fx: ExampleSandbox, cluster: string) {
  const spec = fx.topology.clusters.find((c) => c.name === cluster);
  if (spec === undefined) throw new Error(`no cluster ${cluster}`);
  return connectCluster(spec, { kubeconfig: fx.kubeconfig });
}

/** The token value of a Secret key, as the Kubernetes API returns it (base64). */
async function tokenData(fx: ExampleSandbox, cluster: string): Promise<string | undefined> {
  const p = fx.topology.peerings[0];
  if (p === undefined) return undefined;
  const { name, key, acceptorNamespace, dialerNamespace } = p.tokenSecret;
  const namespace = cluster === p.acceptor.install ? acceptorNamespace : dialerNamespace;
  const secret = await kube(fx, cluster).get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  return secret?.data?.[key];
}

describe('a token that lists pod addresses (consul-k8s issue 1683)', () => {
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it('is refused at transfer, then rotated once the Mesh setting is in effect, and the peering converges', {
    timeout: 240_000,
  }, async () => {
    const fx = await startExampleSandbox('runbook', shortIntervals);
    open.push(fx);
    const peering = fx.topology.peerings[0];
    if (peering === undefined) throw new Error('the runbook example has one peering');
    const acceptorConsul: ConsulClient = sandboxConsulClient(fx.sandbox, 'cluster-01');
    const before = await readPeeringAddresses(acceptorConsul);
    expect(before.throughGateways).toBe(false);
    expect(before.gateways).toHaveLength(1);

    // The acceptor first, as a team that applied its manifests before the Mesh entry would.
    await kube(fx, 'cluster-01').apply(acceptorResource(peering));
    const bad = await until(() => tokenData(fx, 'cluster-01'));
    const badToken = Buffer.from(bad, 'base64').toString('utf8');
    expect(tokenServerAddresses(bad)).toEqual(before.servers);

    const q = await startQueue(redisUrl, fx.kubeconfig);
    open.push(q);
    const first = await q.finished(await q.request(fx.file, 'token-addresses'), 150_000);
    expect(first.status).toBe('failed');
    const transfer = first.steps.find((s) => s.kind === 'token-transfer');
    expect(transfer?.status).toBe('failed');
    expect(transfer?.detail).toContain(
      `token Secret ${peering.tokenSecret.name} in cluster-01 lists the Consul servers' addresses ${before.servers.join(', ')} instead of the mesh gateway addresses (${before.gateways.join(', ')}); not copied: the Mesh setting peerThroughMeshGateways was not in effect when the token was generated: meshpeer rotates the token (raises peering-version) once the Mesh entry is Synced`,
    );
    expect(JSON.stringify(first)).not.toContain(badToken);
    expect(redact(badToken)).toBe('[redacted]');
    expect(await tokenData(fx, 'cluster-02')).toBeUndefined();
    // The same run's next pass saw the Mesh setting in effect and rotated the unused token.
    expect(first.steps.find((s) => s.kind === 'rotate')?.status).toBe('done');

    const second = await q.finished(await q.request(fx.file, 'token-addresses'), 150_000);
    expect(second.status, second.failure).toBe('succeeded');
    const after = await readPeeringAddresses(acceptorConsul);
    expect(after.throughGateways).toBe(true);
    const copied = await tokenData(fx, 'cluster-02');
    expect(copied && tokenServerAddresses(copied)).toEqual(after.gateways);
    const dialerConsul = sandboxConsulClient(fx.sandbox, 'cluster-02');
    expect((await dialerConsul.readPeering('cluster-01'))?.State).toBe('ACTIVE');
    expect((await acceptorConsul.readPeering('cluster-02'))?.State).toBe('ACTIVE');
    expect(second.steps.find((s) => s.kind === 'verify')?.detail).toContain('imported services healthy (1)');
  });
});
