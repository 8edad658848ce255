/**
 * Sandboxes with Consul beyond the plain runbook: ACLs (token Secrets, references in sandbox.json,
 * the gateway policy without peering:read), clusters whose Helm values switch features off, and
 * Consul faults driven through the admin API with `meshpeer sandbox fault`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSandboxFault } from '../../src/cli/sandbox-run.ts';
import type { LiveObject } from '../../src/kube/cluster-client.ts';
import { installFromRelease, latestDeployed } from '../../src/kube/helm-release.ts';
import { CONSUL_API_VERSION, meshResource } from '../../src/resources/consul-resources.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { runbookClients } from '../src/runbook-checks.ts';
import { pollUntil, type RunbookClient } from '../src/runbook-client.ts';
import { walkRunbook } from '../src/runbook-walk.ts';
import { Sandbox } from '../src/sandbox.ts';
import { parseSandboxConfig, type SandboxConfig, sandboxConfigFromTopology } from '../src/sandbox-config.ts';

let sandbox: Sandbox | undefined;
let dir = '';

async function topologyOf(example: string): Promise<Topology> {
  const loaded = await loadTopologyFile(`desired-state-examples/${example}/peerings.yaml`);
  if (!loaded.ok) throw new Error(`${example} must be valid`);
  return loaded.topology;
}

/** Starts the sandbox with heartbeats within a second: the runbook walk waits for one (Consul: 15 s). */
async function start(config: SandboxConfig): Promise<Sandbox> {
  dir = await mkdtemp(join(tmpdir(), 'meshpeer-consul-'));
  const fast = { ...config, consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10_000 } };
  sandbox = await Sandbox.start({ config: fast, dir, persist: false });
  return sandbox;
}

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('a sandbox with ACLs', () => {
  it("creates server-acl-init's bootstrap Secret only (gateways log in), publishes a reference, and still walks to ACTIVE", async () => {
    const topology = await topologyOf('acls');
    const sb = await start(sandboxConfigFromTopology(topology));
    const manifest = await readFile(join(dir, 'sandbox.json'), 'utf8');
    const consul = (
      JSON.parse(manifest) as { clusters: Array<{ components: Record<string, Record<string, string>> }> }
    ).clusters[0]?.components.consul;
    expect(consul).toMatchObject({
      aclBootstrapTokenSecret: 'consul/consul-bootstrap-acl-token',
      aclBootstrapTokenKey: 'token',
    });
    const tokens = sb.stack('cluster-01').consul.acl;
    expect(manifest).not.toContain(String(tokens?.bootstrapToken));
    const secret = (name: string) =>
      sb.cluster('cluster-01').objects.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'consul', name });
    expect(
      Buffer.from(
        String((secret('consul-bootstrap-acl-token')?.data as Record<string, string> | undefined)?.token),
        'base64',
      ).toString(),
    ).toBe(tokens?.bootstrapToken);
    // consul-k8s server-acl-init gives the gateways a role through the auth method, not a token Secret.
    expect(secret('consul-mesh-gateway-acl-token')).toBeUndefined();
    const result = await walkRunbook({
      kubeconfig: await readFile(join(dir, 'kubeconfig'), 'utf8'),
      topology,
    });
    expect(result.peerings[0]?.dialer.state).toBe('ACTIVE');
    const anonymous = await runbookClients(sb.kubeconfig(), topology)
      .get('cluster-01')
      ?.consul('/v1/peerings');
    expect(anonymous?.status).toBe(403);
  });

  it('refuses peering traffic at a gateway whose token lacks peering:read (consul-k8s#1685)', async () => {
    const config = parseSandboxConfig(
      'clusters:\n  - { name: cluster-01, acls: { enabled: true, gatewayPolicyLacksPeeringRead: true } }\n  - { name: cluster-02, acls: true }\n',
      'sandbox.yaml',
    );
    const sb = await start(config);
    const topology = await topologyOf('acls');
    const clients = runbookClients(sb.kubeconfig(), topology);
    const [a, d] = [clients.get('cluster-01'), clients.get('cluster-02')] as [RunbookClient, RunbookClient];
    for (const [client, spec] of [
      [a, topology.clusters[0]],
      [d, topology.clusters[1]],
    ] as const)
      if (spec) await client.apply(meshResource(spec));
    const secret = { name: 'token', key: 'data', backend: 'kubernetes' };
    const peer = (kind: string, name: string) => ({
      apiVersion: CONSUL_API_VERSION,
      kind,
      metadata: { name, namespace: 'consul' },
      spec: { peer: { secret } },
    });
    await a.apply(peer('PeeringAcceptor', 'cluster-02'));
    const token = await pollUntil(() => a.get('v1', 'Secret', 'consul', 'token'), 'token');
    await d.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token', namespace: 'consul', labels: token.metadata?.labels ?? {} },
      data: token.data,
    } as never);
    await d.apply(peer('PeeringDialer', 'cluster-01'));
    const failed = await pollUntil(async () => {
      const s = await d.synced(CONSUL_API_VERSION, 'PeeringDialer', 'consul', 'cluster-01');
      return s?.status === 'False' ? s : undefined;
    }, 'the establish to fail');
    expect(failed.reason).toBe('consulAgentError');
    const refused = sb.stack('cluster-01').gateway?.counters().refused ?? {};
    expect(refused[sb.stack('cluster-01').consul.serverName]).toBeGreaterThanOrEqual(1);
  });
});

describe('a sandbox configured with features switched off', () => {
  it('runs no gateway and no peering controllers, and its Helm release says why', async () => {
    const sb = await start(
      parseSandboxConfig(
        'clusters:\n  - name: old\n    helm: { chartVersion: 0.49.0, consulVersion: 1.13.2, values: { meshGateway: { enabled: false }, global: { peering: { enabled: false } } } }\n',
        'sandbox.yaml',
      ),
    );
    const objects = sb.cluster('old').objects;
    const secrets = objects.list('v1', 'Secret', 'consul', { labelSelector: 'owner=helm,name=consul' });
    const release = latestDeployed(secrets as unknown as LiveObject[]);
    expect(release && installFromRelease(release)).toMatchObject({
      chartVersion: '0.49.0',
      consulVersion: '1.13.2',
      values: { peeringEnabled: false, meshGatewayEnabled: false, tlsEnabled: true },
    });
    expect(sb.stack('old').gateway).toBeUndefined();
    expect(
      objects.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'consul',
        name: 'consul-mesh-gateway',
      }),
    ).toBeUndefined();
    // The six config-entry controllers (peering and traffic kinds), no peering controllers.
    expect(sb.stack('old').controllers?.loops.map((l) => l.reconcileCount)).toHaveLength(6);
  });
});

describe('Consul faults through the admin API', () => {
  it('deletes the dialer side behind the reconciler, whose next resync fails with the used token', async () => {
    const topology = await topologyOf('runbook');
    const base = sandboxConfigFromTopology(topology);
    const sb = await start({ ...base, controllers: { resyncMs: 200 } });
    await walkRunbook({ kubeconfig: sb.kubeconfig(), topology });
    expect(await runSandboxFault('delete-peering', 'cluster-01', { cluster: 'cluster-02', dir })).toBe(0);
    const d = runbookClients(sb.kubeconfig(), topology).get('cluster-02') as RunbookClient;
    const failed = await pollUntil(async () => {
      const s = await d.synced(CONSUL_API_VERSION, 'PeeringDialer', 'consul', 'cluster-01');
      return s?.status === 'False' ? s : undefined;
    }, 'the re-establish to fail');
    expect(failed.message).toContain('403 (a new peering token must be generated');
    expect(await runSandboxFault('gateway-counters', undefined, { cluster: 'cluster-01', dir })).toBe(0);
  });
});
