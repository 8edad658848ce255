/**
 * Issue 12, part B, items 4 and 5, with kubectl doing what people do by hand on a default chart
 * install: a Mesh and a ProxyDefaults that already live in another namespace, another team's
 * ExportedServices entries, a label on the acceptor's token Secret. meshpeer adopts the singletons
 * and writes only its fields, keeps others' exports, and never copies a token whose data did not
 * change (the dialer would establish again with a used token and get 403).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findKubectl } from '../../sandbox/test/kube/kubectl-path.ts';
import { CONSUL_API_VERSION } from '../../src/resources/consul-resources.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';
import { installSandboxes } from './install-fixture.ts';

const run = promisify(execFile);
const kubectlPath = findKubectl();
const installs = installSandboxes();

async function kubectl(context: string, args: string[], input?: string): Promise<string> {
  const child = run(kubectlPath, [
    '--kubeconfig',
    installs.current().kubeconfig,
    '--context',
    context,
    ...args,
  ]);
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
}

// biome-ignore lint/suspicious/noExplicitAny: objects printed by kubectl are read by path.
type Obj = Record<string, any>;
const getJson = async (context: string, args: string[]): Promise<Obj> =>
  JSON.parse(await kubectl(context, ['get', ...args, '-o', 'json'])) as Obj;

const install = (example: string) => installs.defaultInstall(example);

const singletons = `apiVersion: v1
kind: Namespace
metadata: { name: platform }
---
apiVersion: ${CONSUL_API_VERSION}
kind: Mesh
metadata: { name: mesh, namespace: platform }
spec:
  peering: { peerThroughMeshGateways: false }
  http: { sanitizeXForwardedClientCert: true }
---
apiVersion: ${CONSUL_API_VERSION}
kind: ProxyDefaults
metadata: { name: global, namespace: platform }
spec:
  meshGateway: { mode: remote }
  config: { protocol: http }
`;

describe('4. singletons found anywhere, only meshpeer fields written', () => {
  it('adopts a Mesh and a ProxyDefaults another team applied in their namespace, keeping their fields', async () => {
    const fx = await install('runbook');
    for (const ctx of ['cluster-01', 'cluster-02']) await kubectl(ctx, ['apply', '-f', '-'], singletons);
    const first = await fx.apply();
    expect(first.status, JSON.stringify(first.steps.filter((s) => s.status === 'failed'))).toBe('succeeded');
    for (const ctx of ['cluster-01', 'cluster-02']) {
      const meshes = await getJson(ctx, ['meshes', '-A']);
      expect(meshes.items.map((m: Obj) => m.metadata.namespace)).toEqual(['platform']);
      expect(meshes.items[0].spec).toEqual({
        peering: { peerThroughMeshGateways: true },
        http: { sanitizeXForwardedClientCert: true },
      });
      const defaults = await getJson(ctx, ['proxydefaults', '-A']);
      expect(defaults.items.map((p: Obj) => [p.metadata.namespace, p.spec])).toEqual([
        ['platform', { meshGateway: { mode: 'local' }, config: { protocol: 'http' } }],
      ]);
    }
    const writes = fx.writes();
    expect((await fx.plan()).converged).toBe(true);
    expect((await fx.apply()).steps.filter((s) => s.kind !== 'verify')).toEqual([]);
    expect(fx.writes()).toBe(writes);
  });

  it('leaves ProxyDefaults alone when peerings.yaml declares no mode (Consul defaults to remote)', async () => {
    const fx = await install('three-cluster-mesh');
    await kubectl('cluster-01', ['apply', '-f', '-'], singletons);
    expect((await fx.apply()).status).toBe('succeeded');
    const defaults = await getJson('cluster-01', ['proxydefaults', '-A']);
    expect(defaults.items.map((p: Obj) => p.spec)).toEqual([
      { meshGateway: { mode: 'remote' }, config: { protocol: 'http' } },
    ]);
    expect((await getJson('cluster-02', ['proxydefaults', '-A'])).items).toEqual([]);
  });
});

const teamExport = (services: string) => `apiVersion: ${CONSUL_API_VERSION}
kind: ExportedServices
metadata: { name: default, namespace: platform }
spec:
  services:
${services}`;

describe("4. ExportedServices shared with another team's entries", () => {
  it('merges into an ExportedServices made by hand, keeps added entries, and removes only its own', async () => {
    const fx = await install('runbook');
    await kubectl('cluster-02', ['create', 'namespace', 'platform']);
    await kubectl(
      'cluster-02',
      ['apply', '-f', '-'],
      teamExport('    - name: billing\n      consumers: [{ peer: cluster-01 }]\n'),
    );
    expect((await fx.apply()).status).toBe('succeeded');
    const names = async () =>
      (
        (await getJson('cluster-02', ['exportedservices', 'default', '-n', 'platform'])).spec
          .services as Obj[]
      )
        .map((s) => s.name)
        .sort();
    expect(await names()).toEqual(['billing', 'static-server']);

    // Another team adds an entry by hand; meshpeer's next apply keeps it.
    await kubectl('cluster-02', [
      'patch',
      'exportedservices',
      'default',
      '-n',
      'platform',
      '--type=json',
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/spec/services/-',
          value: { name: 'ledger', consumers: [{ peer: 'cluster-01' }] },
        },
      ]),
    ]);
    expect((await fx.plan()).converged).toBe(true);
    expect((await fx.apply()).status).toBe('succeeded');
    expect(await names()).toEqual(['billing', 'ledger', 'static-server']);

    // The export leaves peerings.yaml: only meshpeer's entry goes, the object stays (not meshpeer's).
    const loaded = await loadTopologyFile(fx.file);
    if (!loaded.ok) throw new Error('fixture');
    const withoutExports = { ...loaded.topology, exports: [] };
    expect((await fx.apply(withoutExports)).status).toBe('succeeded');
    expect(await names()).toEqual(['billing', 'ledger']);
  });
});

describe('5. token copies only when the token data changed', () => {
  it("leaves the next plan empty after a label on the acceptor's Secret, and the peering stays ACTIVE", async () => {
    const fx = await install('runbook');
    expect((await fx.apply()).status).toBe('succeeded');
    const secret = 'peering-token-cluster-01-cluster-02';
    const before = await getJson('cluster-02', ['secret', secret, '-n', 'consul']);
    await kubectl('cluster-01', ['label', 'secret', secret, '-n', 'consul', 'team=platform']);
    const plan = await fx.plan();
    expect(plan.converged).toBe(true);
    expect((await fx.apply()).steps.filter((s) => s.kind !== 'verify')).toEqual([]);
    const after = await getJson('cluster-02', ['secret', secret, '-n', 'consul']);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const dialer = await getJson('cluster-02', ['peeringdialer', 'cluster-01', '-n', 'consul']);
    expect(dialer.status.conditions).toEqual([expect.objectContaining({ type: 'Synced', status: 'True' })]);
    const token = fx.sandbox.stack('cluster-02').consul.acl?.bootstrapToken;
    expect(
      (await sandboxConsulClient(fx.sandbox, 'cluster-02', token).readPeering('cluster-01'))?.State,
    ).toBe('ACTIVE');
  });

  it('reads its ACL token from a Secret made with kubectl create secret generic (sent as protobuf)', async () => {
    const fx = await install('runbook');
    for (const ctx of ['cluster-01', 'cluster-02']) {
      const token = fx.sandbox.stack(ctx).consul.acl?.bootstrapToken ?? '';
      await kubectl(ctx, [
        'create',
        'secret',
        'generic',
        'meshpeer-token',
        '-n',
        'consul',
        `--from-literal=token=${token}`,
      ]);
      const created = await getJson(ctx, ['secret', 'meshpeer-token', '-n', 'consul']);
      expect(Buffer.from(created.data.token, 'base64').toString()).toBe(token);
    }
    const topology = {
      ...fx.topology,
      clusters: fx.topology.clusters.map((c) => ({
        ...c,
        consul: { ...c.consul, aclToken: { secret: 'meshpeer-token', key: 'token', namespace: 'consul' } },
      })),
    };
    const plan = await fx.plan(topology);
    expect(plan.errors).toEqual([]);
  });
});
