/**
 * Admin partitions the way consul-k8s serves them: a sandbox from the admin-partitions example runs
 * one Kubernetes API per install (each datacenter's own install and one per non-default partition,
 * each with its own kube context); a partition install's controllers act only in their partition
 * against the datacenter's servers; its webhooks admit one ExportedServices named after it; and the
 * runbook walked per install reaches ACTIVE for every peering.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSummary } from '../../src/cli/sandbox-run.ts';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { getPath, type StoredObject } from '../src/kube/stored-object.ts';
import { decodeToken } from '../src/peering/index.ts';
import { runbookClients } from '../src/runbook-checks.ts';
import { pollUntil, type RunbookClient } from '../src/runbook-client.ts';
import { walkRunbook } from '../src/runbook-walk.ts';
import { Sandbox } from '../src/sandbox.ts';
import { sandboxConfigFromTopology } from '../src/sandbox-config.ts';

const exampleFile = 'desired-state-examples/admin-partitions/peerings.yaml';
const contexts = [
  'cluster-01',
  'cluster-01-finance',
  'cluster-01-retail',
  'cluster-02',
  'cluster-02-payments',
];

describe('a sandbox with partition installs', () => {
  let sandbox: Sandbox;
  let dir: string;
  let topology: Topology;
  let clients: Map<string, RunbookClient>;
  const client = (install: string) => clients.get(install) as RunbookClient;
  const finance = () => sandbox.cluster('cluster-01-finance');

  beforeAll(async () => {
    const loaded = await loadTopologyFile(exampleFile);
    if (!loaded.ok) throw new Error('the admin-partitions example must be valid');
    topology = loaded.topology;
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-partitions-'));
    const config = sandboxConfigFromTopology(topology);
    sandbox = await Sandbox.start({
      config: { ...config, consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10_000 } },
      dir,
      persist: false,
    });
    clients = runbookClients(await readFile(join(dir, 'kubeconfig'), 'utf8'), topology);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs one Kubernetes API per install, each with its own kube context, listed in sandbox.json', async () => {
    expect(sandbox.clusters.map((c) => c.name)).toEqual(contexts);
    expect(new Set(sandbox.clusters.map((c) => c.kube.url)).size).toBe(contexts.length);
    const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as {
      clusters: Array<{ name: string; context: string; components: Record<string, Record<string, string>> }>;
    };
    expect(manifest.clusters.map((c) => c.context)).toEqual(contexts);
    expect(manifest.clusters[1]?.components.consul).toMatchObject({
      partition: 'finance',
      externalServers: 'cluster-01',
      datacenter: 'cluster-01',
    });
    expect(sandbox.stack('cluster-01-finance')).toMatchObject({ partition: 'finance', server: 'cluster-01' });
    const summary = sandboxSummary(sandbox, false);
    for (const context of contexts) expect(summary).toContain(`(kube context ${context})`);
    expect(summary).toContain('partition finance: consul-k8s using the servers of cluster-01');
    // The partition install uses its datacenter's servers rather than running its own.
    expect(sandbox.stack('cluster-01-finance').consul).toBe(sandbox.stack('cluster-01').consul);
  });

  it("renders a partition install's objects: no servers, externalServers, its partition, the copied CA", () => {
    const get = (kind: string, name: string, apiVersion = 'v1') =>
      finance().objects.get({ apiVersion, kind, namespace: 'consul', name });
    expect(get('Service', 'consul-server')).toBeUndefined();
    expect(
      sandbox.cluster('cluster-01').objects.get({
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'consul',
        name: 'consul-expose-servers',
      }),
    ).toBeDefined();
    const injector = get('Deployment', 'consul-connect-injector', 'apps/v1');
    const containers = getPath(injector ?? { metadata: {} }, ['spec', 'template', 'spec', 'containers']);
    const vars = ((containers as Array<{ env: Array<{ name: string; value: string }> }>)[0]?.env ?? []).map(
      (e) => [e.name, e.value],
    );
    const env = Object.fromEntries(vars);
    expect(env).toMatchObject({
      CONSUL_ADDRESSES: 'consul-expose-servers.consul.svc',
      CONSUL_HTTP_PORT: '8501',
      CONSUL_DATACENTER: 'cluster-01',
      CONSUL_PARTITION: 'finance',
      CONSUL_USE_TLS: 'true',
      CONSUL_TLS_SERVER_NAME: 'server.cluster-01.consul',
    });
    const caCert = (obj: StoredObject | undefined) => getPath(obj ?? { metadata: {} }, ['data', 'tls.crt']);
    const serverCa = sandbox.cluster('cluster-01').objects.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'consul',
      name: 'consul-ca-cert',
    });
    expect(caCert(get('Secret', 'consul-ca-cert'))).toBe(caCert(serverCa));
    expect(caCert(serverCa)).toEqual(expect.any(String));
    expect(get('Secret', 'consul-ca-key')).toBeUndefined();
    expect(get('Deployment', 'consul-mesh-gateway', 'apps/v1')).toBeDefined();
  });

  it("registers each partition's mesh gateway and services in that partition of the datacenter's catalog", async () => {
    const reader = client('cluster-01');
    const gateways = await reader.consul('/v1/catalog/service/mesh-gateway?partition=finance');
    const inFinance = (gateways.json as Array<{ ServicePort: number }>).map((g) => g.ServicePort);
    const financeGateway = sandbox.stack('cluster-01-finance').gateway?.address ?? '';
    expect(inFinance).toEqual([Number(financeGateway.split(':').pop())]);
    const ledger = await reader.consul('/v1/catalog/service/ledger?partition=finance&ns=default');
    expect((ledger.json as unknown[]).length).toBeGreaterThan(0);
    const elsewhere = await reader.consul('/v1/catalog/service/ledger');
    expect(elsewhere.json).toEqual([]);
  });

  it("creates an acceptor's peering in the install's partition, its token naming the default partition's gateway", async () => {
    await client('cluster-01/finance').apply({
      apiVersion: CONSUL_API_VERSION,
      kind: 'PeeringAcceptor',
      metadata: { name: 'probe', namespace: 'consul' },
      spec: { peer: { secret: { name: 'probe-token', key: 'data', backend: 'kubernetes' } } },
    } as never);
    const secret = await pollUntil(
      () => client('cluster-01/finance').get('v1', 'Secret', 'consul', 'probe-token'),
      'the token Secret in the finance cluster',
    );
    expect(secret.data?.data).toBeDefined();
    const reader = client('cluster-01');
    const inFinance = await reader.consul('/v1/peering/probe?partition=finance');
    expect(inFinance).toMatchObject({ status: 200, json: { Name: 'probe', Partition: 'finance' } });
    expect((await reader.consul('/v1/peering/probe')).status).toBe(404);
    expect(await client('cluster-01').get('v1', 'Secret', 'consul', 'probe-token')).toBeUndefined();
    await client('cluster-01/finance').delete(CONSUL_API_VERSION, 'PeeringAcceptor', 'consul', 'probe');
  });

  it('walks the runbook per install to ACTIVE for every peering', async () => {
    const kubeconfig = await readFile(join(dir, 'kubeconfig'), 'utf8');
    const lines: string[] = [];
    const result = await walkRunbook({ kubeconfig, topology, progress: (l) => lines.push(l) });
    expect(result.peerings.map((p) => [p.id, p.acceptor.state, p.dialer.state])).toEqual([
      ['cluster-01/finance>cluster-02/payments', 'ACTIVE', 'ACTIVE'],
      ['cluster-01/retail>cluster-02/default', 'ACTIVE', 'ACTIVE'],
    ]);
    expect(result.peerings[0]?.acceptor).toMatchObject({
      cluster: 'cluster-01/finance',
      name: 'cluster-02-payments',
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        'cluster-02/payments: imports ledger from peer cluster-01-finance (2 instances via ?peer=)',
        'cluster-01/retail: imports catalog from peer cluster-02 (2 instances via ?peer=)',
      ]),
    );
    // Each side's peering lives in its install's partition, and its token listed the gateway of the
    // datacenter's default partition (peering_backend.go), which routes the peering stream.
    const token = await client('cluster-02/payments').get(
      'v1',
      'Secret',
      'consul',
      topology.peerings[0]?.tokenSecret.name ?? '',
    );
    const decoded = decodeToken(Buffer.from(token?.data?.data ?? '', 'base64').toString('utf8'));
    expect(decoded.ServerAddresses).toEqual([sandbox.stack('cluster-01').gateway?.address]);
    const payments = await client('cluster-02').consul('/v1/peering/cluster-01-finance?partition=payments');
    expect(payments.json).toMatchObject({ Partition: 'payments', State: 'ACTIVE' });
  });

  it("admits one ExportedServices per partition install's cluster, named after its partition", async () => {
    const exported = (name: string, namespace: string) => ({
      apiVersion: CONSUL_API_VERSION,
      kind: 'ExportedServices',
      metadata: { name, namespace },
      spec: { services: [{ name: 'ledger', consumers: [{ peer: 'cluster-02-payments' }] }] },
    });
    const refusal = async (install: string, obj: unknown) => {
      try {
        await client(install).apply(obj as never);
      } catch (err) {
        return String((err as { body?: unknown }).body ?? err);
      }
      throw new Error('expected the webhook to refuse');
    };
    // The retail install exports nothing yet: a name other than its partition's is refused.
    expect(await refusal('cluster-01/retail', exported('finance', 'consul'))).toContain(
      'exportedservices resource name must be the same name as the partition, \\"retail\\"',
    );
    // The finance install has the walk's ExportedServices: a second one is refused, in any namespace.
    expect(await refusal('cluster-01/finance', exported('finance', 'default'))).toContain(
      'exportedservices resource already defined - only one exportedservices entry is supported per Kubernetes cluster',
    );
  });
});
