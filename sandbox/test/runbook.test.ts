/**
 * The runbook by hand against a two-cluster sandbox (Consul servers, consul-k8s controllers, SNI
 * mesh gateways), through the Kubernetes API only: @kubernetes/client-node, and kubectl.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { runbookClients, waitForActive, waitForImport } from '../src/runbook-checks.ts';
import { pollUntil, type RunbookClient } from '../src/runbook-client.ts';
import { walkRunbook } from '../src/runbook-walk.ts';
import { Sandbox } from '../src/sandbox.ts';
import {
  resolveSandboxConfig,
  type SandboxConfig,
  sandboxConfigFromTopology,
} from '../src/sandbox-config.ts';
import { findKubectl } from './kube/kubectl-path.ts';

const exampleFile = 'desired-state-examples/runbook/peerings.yaml';
const run = promisify(execFile);

async function runbookTopology(): Promise<Topology> {
  const loaded = await loadTopologyFile(exampleFile);
  if (!loaded.ok) throw new Error('the runbook example must be valid');
  return loaded.topology;
}

/** Heartbeats within a second: the walk waits for one, and Consul's first comes after 15 s. */
const shortIntervals = { heartbeatIntervalMs: 1000, idleTimeoutMs: 10_000 };

/** The runbook's sandbox, plus a service in cluster-01 so the dialer has something to import too. */
function configWithClientService(topology: Topology): SandboxConfig {
  const base = sandboxConfigFromTopology(topology);
  return resolveSandboxConfig({
    clusters: base.clusters.map((c) => ({
      name: c.name,
      services: c.name === 'cluster-01' ? [...c.services, { name: 'static-client' }] : [...c.services],
    })),
    consul: shortIntervals,
  });
}

describe('the runbook with @kubernetes/client-node', () => {
  let sandbox: Sandbox;
  let dir: string;
  let topology: Topology;
  let clients: Map<string, RunbookClient>;
  const client = (name: string) => clients.get(name) as RunbookClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-runbook-'));
    topology = await runbookTopology();
    sandbox = await Sandbox.start({ config: configWithClientService(topology), dir, persist: false });
    clients = runbookClients(await readFile(join(dir, 'kubeconfig'), 'utf8'), topology);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches ACTIVE on both sides, receiving from the peer, through the mesh gateway', async () => {
    const kubeconfig = await readFile(join(dir, 'kubeconfig'), 'utf8');
    const lines: string[] = [];
    const result = await walkRunbook({ kubeconfig, topology, progress: (l) => lines.push(l) });
    const [peering] = result.peerings;
    expect(peering?.acceptor).toMatchObject({ cluster: 'cluster-01', name: 'cluster-02', state: 'ACTIVE' });
    expect(peering?.dialer).toMatchObject({ cluster: 'cluster-02', name: 'cluster-01', state: 'ACTIVE' });
    for (const side of [peering?.acceptor, peering?.dialer]) {
      expect(Date.now() - Date.parse(String(side?.lastReceive))).toBeLessThan(
        topology.verify.heartbeatMaxAgeMs,
      );
    }
    expect(lines.some((l) => l.includes('imports static-server from peer cluster-02'))).toBe(true);
    const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as {
      clusters: Array<{ name: string; components: Record<string, Record<string, string>> }>;
    };
    const acceptorServer = manifest.clusters[0]?.components.consul?.serverName ?? '';
    expect(acceptorServer).toMatch(/^server\.cluster-01\.peering\..+\.consul$/);
    const counters = (await client('cluster-01').admin('GET', '/gateway/counters')) as {
      routed: Record<string, number>;
    };
    expect(counters.routed[acceptorServer]).toBeGreaterThanOrEqual(1);
  });

  it('lets the dialer import a service the acceptor exports, through ?peer=', async () => {
    await client('cluster-01').apply({
      apiVersion: CONSUL_API_VERSION,
      kind: 'ExportedServices',
      metadata: { name: 'default', namespace: 'consul' },
      spec: { services: [{ name: 'static-client', consumers: [{ peer: 'cluster-02' }] }] },
    } as never);
    expect(await waitForImport(client('cluster-02'), 'static-client', 'cluster-01')).toBeGreaterThanOrEqual(
      1,
    );
    const plain = await client('cluster-02').consul('/v1/catalog/service/static-client');
    expect(plain.json).toEqual([]);
  });

  it('refuses a reused token with 403 once the copied Secret changes', async () => {
    const secretName = topology.peerings[0]?.tokenSecret.name ?? '';
    await client('cluster-02').mergePatch({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace: 'consul', annotations: { 'example.com/touched': 'yes' } },
    });
    const synced = await pollUntil(async () => {
      const s = await client('cluster-02').synced(
        CONSUL_API_VERSION,
        'PeeringDialer',
        'consul',
        'cluster-01',
      );
      return s?.status === 'False' ? s : undefined;
    }, 'the dialer to fail');
    expect(synced).toMatchObject({
      reason: 'consulAgentError',
      message: expect.stringContaining(
        'Unexpected response code: 403 (a new peering token must be generated',
      ),
    });
  });

  it('moves the dialer side to TERMINATED when the PeeringAcceptor is deleted', async () => {
    await client('cluster-01').delete(CONSUL_API_VERSION, 'PeeringAcceptor', 'consul', 'cluster-02');
    const dialerSide = await waitForActive(client('cluster-02'), 'cluster-01', {
      want: (p) => p.state === 'TERMINATED',
    });
    expect(dialerSide.state).toBe('TERMINATED');
    const tokenSecret = await client('cluster-01').get(
      'v1',
      'Secret',
      'consul',
      topology.peerings[0]?.tokenSecret.name ?? '',
    );
    expect(tokenSecret).toBeUndefined();
  });
});

const kubectl = findKubectl();

describe('the runbook with kubectl', () => {
  let sandbox: Sandbox;
  let dir: string;
  const k = async (context: string, args: string[], input?: string): Promise<string> => {
    const child = run(kubectl, ['--kubeconfig', join(dir, 'kubeconfig'), '--context', context, ...args]);
    if (input !== undefined) child.child.stdin?.end(input);
    return (await child).stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-kubectl-'));
    sandbox = await Sandbox.start({
      config: { ...sandboxConfigFromTopology(await runbookTopology()), consul: shortIntervals },
      dir,
      persist: false,
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches ACTIVE', async () => {
    const meshYaml = `apiVersion: ${CONSUL_API_VERSION}\nkind: Mesh\nmetadata: {name: mesh, namespace: consul}\nspec: {peering: {peerThroughMeshGateways: true}}\n---\napiVersion: ${CONSUL_API_VERSION}\nkind: ProxyDefaults\nmetadata: {name: global, namespace: consul}\nspec: {meshGateway: {mode: local}}\n`;
    for (const ctx of ['cluster-01', 'cluster-02']) await k(ctx, ['apply', '-f', '-'], meshYaml);
    await k('cluster-01', ['wait', '--for=condition=Synced', '--timeout=30s', '-n', 'consul', 'mesh/mesh']);
    const secret = { name: 'peering-token', key: 'data', backend: 'kubernetes' };
    const peer = (kind: string, name: string) =>
      JSON.stringify({
        apiVersion: CONSUL_API_VERSION,
        kind,
        metadata: { name, namespace: 'consul' },
        spec: { peer: { secret } },
      });
    await k('cluster-01', ['apply', '-f', '-'], peer('PeeringAcceptor', 'cluster-02'));
    const exported = await pollUntil(
      () =>
        k('cluster-01', ['get', 'secret', 'peering-token', '-n', 'consul', '-o', 'json']).catch(
          () => undefined,
        ),
      'the token Secret',
    );
    const { metadata, data } = JSON.parse(exported) as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    const copy = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'peering-token', namespace: 'consul', labels: metadata.labels },
      data,
    };
    await k('cluster-02', ['apply', '-f', '-'], JSON.stringify(copy));
    await k('cluster-02', ['apply', '-f', '-'], peer('PeeringDialer', 'cluster-01'));
    // TLS with the chart's default httpsOnly: the server Service has an https port and no http port.
    const raw = '/api/v1/namespaces/consul/services/https:consul-server:https/proxy/v1/peering/';
    for (const [ctx, name] of [
      ['cluster-02', 'cluster-01'],
      ['cluster-01', 'cluster-02'],
    ] as const) {
      const state = await pollUntil(async () => {
        const out = await k(ctx, ['get', '--raw', `${raw}${name}`]).catch(() => '{}');
        const state = (JSON.parse(out) as { State?: string }).State;
        return state === 'ACTIVE' ? state : undefined;
      }, `${ctx} ACTIVE`);
      expect(state).toBe('ACTIVE');
    }
  });
});
