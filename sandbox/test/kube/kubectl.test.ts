/**
 * The real kubectl against `meshpeer sandbox up`: apply, get (tables and -o yaml), describe and
 * delete for the consul-k8s resources and Secrets, the token Secret copy between clusters, and the
 * typed create commands that send protobuf. kubectl is found on PATH (scripts/setup.sh installs
 * Debian's kubernetes-client when it is missing); the tests hold for kubectl 1.20 to 1.32.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { waitFor } from '../sandbox-test-helpers.ts';
import { findKubectl } from './kubectl-path.ts';

const run = promisify(execFile);
// biome-ignore lint/suspicious/noExplicitAny: objects printed by kubectl are free-form YAML read by path.
type Obj = Record<string, any>;

const kubectlPath = findKubectl();

let dir: string;
let sandbox: ChildProcess | undefined;
let output = '';

async function kubectl(
  context: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(kubectlPath, [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--context',
      context,
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const manifests = `apiVersion: consul.hashicorp.com/v1alpha1
kind: Mesh
metadata:
  name: mesh
spec:
  peering:
    peerThroughMeshGateways: true
---
apiVersion: consul.hashicorp.com/v1alpha1
kind: ProxyDefaults
metadata:
  name: global
spec:
  meshGateway:
    mode: local
---
apiVersion: consul.hashicorp.com/v1alpha1
kind: PeeringAcceptor
metadata:
  name: cluster-02
spec:
  peer:
    secret:
      name: peering-token-cluster-02
      key: data
      backend: kubernetes
---
apiVersion: consul.hashicorp.com/v1alpha1
kind: ExportedServices
metadata:
  name: default
spec:
  services:
    - name: api
      consumers:
        - peer: cluster-02
---
apiVersion: v1
kind: Secret
metadata:
  name: peering-token-cluster-02
  labels:
    consul.hashicorp.com/peering-token: "true"
stringData:
  data: not-a-real-token
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpeer-sandbox-cli-'));
  await writeFile(join(dir, 'peering.yaml'), manifests);
  sandbox = spawn(
    process.execPath,
    ['bin/meshpeer.js', 'sandbox', 'up', '--clusters', '2', '--dir', dir, '--no-persist', '--no-consul'],
    {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  sandbox.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  sandbox.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  await waitFor(
    () => (output.includes('press Ctrl-C to stop') ? true : undefined),
    'the sandbox to start',
    20_000,
  );
}, 30_000);

afterAll(async () => {
  if (sandbox !== undefined && sandbox.exitCode === null) {
    sandbox.kill('SIGTERM');
    await waitFor(() => (sandbox?.exitCode === null ? undefined : true), 'the sandbox to stop', 10_000);
  }
  await rm(dir, { recursive: true, force: true });
});

describe('meshpeer sandbox up', () => {
  it('prints the clusters and the KUBECONFIG hint, and writes kubeconfig and sandbox.json', async () => {
    expect(output).toContain('meshpeer sandbox: 2 clusters up');
    expect(output).toMatch(/cluster-01 {2}https:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('export KUBECONFIG=');
    const { readFile } = await import('node:fs/promises');
    const kubeconfig = parse(await readFile(join(dir, 'kubeconfig'), 'utf8')) as {
      contexts: Array<{ name: string; context: { user: string } }>;
    };
    expect(kubeconfig.contexts.map((c) => c.name)).toEqual(['cluster-01', 'cluster-02']);
    expect(new Set(kubeconfig.contexts.map((c) => c.context.user)).size).toBe(2);
    const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as {
      clusters: Array<{ name: string; apiServer: string }>;
    };
    expect(manifest.clusters.map((c) => c.name)).toEqual(['cluster-01', 'cluster-02']);
    expect(JSON.stringify(manifest)).not.toMatch(/token/i);
  });
});

describe('kubectl against the sandbox', () => {
  it('is a kubectl (Debian 1.20 or newer) that talks to a 1.32 API server', async () => {
    const version = JSON.parse((await kubectl('cluster-01', 'version', '-o', 'json')).stdout) as {
      clientVersion: { major: string; minor: string };
      serverVersion: { major: string; minor: string };
    };
    expect(Number(version.clientVersion.major)).toBe(1);
    expect(Number.parseInt(version.clientVersion.minor, 10)).toBeGreaterThanOrEqual(20);
    expect(version.serverVersion).toMatchObject({ major: '1', minor: '32' });
  });

  it('applies the peering resources with server-side validation and reports unchanged on a re-apply', async () => {
    const first = await kubectl('cluster-01', 'apply', '-f', join(dir, 'peering.yaml'));
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('peeringacceptor.consul.hashicorp.com/cluster-02 created');
    expect(first.stdout).toContain('secret/peering-token-cluster-02 created');
    const again = await kubectl('cluster-01', 'apply', '-f', join(dir, 'peering.yaml'));
    expect(again.stdout).toContain('mesh.consul.hashicorp.com/mesh unchanged');
    expect(again.stdout).toContain('peeringacceptor.consul.hashicorp.com/cluster-02 unchanged');
  });

  it('shows objects with -o yaml as a real server does', async () => {
    const acceptor = parse(
      (await kubectl('cluster-01', 'get', 'peeringacceptor', 'cluster-02', '-o', 'yaml')).stdout,
    ) as Obj;
    expect(acceptor).toMatchObject({
      apiVersion: 'consul.hashicorp.com/v1alpha1',
      kind: 'PeeringAcceptor',
      spec: { peer: { secret: { backend: 'kubernetes' } } },
    });
    expect(acceptor.metadata).toMatchObject({ name: 'cluster-02', namespace: 'default', generation: 1 });
    expect(acceptor.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(acceptor.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(acceptor.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"kind":"PeeringAcceptor"',
    );
    // kubectl 1.21+ hides managedFields in -o yaml and 1.20 prints them, so only the timestamp is checked.
    expect(acceptor.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const secret = parse(
      (await kubectl('cluster-01', 'get', 'secret', 'peering-token-cluster-02', '-o', 'yaml')).stdout,
    ) as Obj;
    expect(secret).toMatchObject({
      kind: 'Secret',
      type: 'Opaque',
      data: { data: Buffer.from('not-a-real-token').toString('base64') },
    });
    expect(secret.stringData).toBeUndefined();
  });

  it('prints tables with the printer columns and describes objects', async () => {
    const table = await kubectl('cluster-01', 'get', 'peeringacceptors,mesh,secrets');
    expect(table.stdout).toMatch(/NAME\s+SYNCED\s+LAST SYNCED\s+AGE/);
    expect(table.stdout).toMatch(/secret\/peering-token-cluster-02\s+Opaque\s+1\s+\d+s/);
    const short = await kubectl('cluster-01', 'get', 'peering-acceptor');
    expect(short.stdout).toContain('cluster-02');
    const described = await kubectl('cluster-01', 'describe', 'peeringacceptor', 'cluster-02');
    expect(described.stdout).toMatch(/Name:\s+cluster-02/);
    expect(described.stdout).toMatch(/Backend:\s+kubernetes/);
    const secret = await kubectl('cluster-01', 'describe', 'secret', 'peering-token-cluster-02');
    expect(secret.stdout).toMatch(/data:\s+16 bytes/);
    expect(secret.stdout).not.toContain('not-a-real-token');
  });

  it('copies the token Secret to the other cluster the way the runbook does', async () => {
    const kc = join(dir, 'kubeconfig');
    const { stdout } = await run('sh', [
      '-c',
      `"${kubectlPath}" --kubeconfig "${kc}" --context cluster-01 get secret peering-token-cluster-02 -o yaml | "${kubectlPath}" --kubeconfig "${kc}" --context cluster-02 apply -f -`,
    ]);
    expect(stdout).toContain('secret/peering-token-cluster-02 created');
    const copied = await kubectl(
      'cluster-02',
      'get',
      'secret',
      'peering-token-cluster-02',
      '-o',
      'jsonpath={.metadata.labels}',
    );
    expect(copied.stdout).toContain('consul.hashicorp.com/peering-token');
  });

  it('reports webhook denials and strict field validation like the real server', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      manifests
        .split('---')[2]
        ?.replace('name: cluster-02', 'name: other')
        .replace('backend: kubernetes', 'backend: vault') ?? '',
    );
    const denied = await kubectl('cluster-01', 'apply', '-f', bad);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('-mutate-peeringacceptors.consul.hashicorp.com" denied the request');
    await writeFile(
      bad,
      manifests.split('---')[1]?.replace('mode: local', 'mode: local\n    extra: 1') ?? '',
    );
    const strict = await kubectl('cluster-01', 'apply', '-f', bad);
    expect(strict.stderr).toContain('unknown field "spec.meshGateway.extra"');
  });

  it('creates a generic Secret from literals (kubectl sends it as protobuf) that reads back', async () => {
    const created = await kubectl(
      'cluster-01',
      'create',
      'secret',
      'generic',
      'literal-token',
      '--from-literal=token=s3cr3t',
      '--from-literal=peer=cluster-02',
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('secret/literal-token created');
    const secret = parse(
      (await kubectl('cluster-01', 'get', 'secret', 'literal-token', '-o', 'yaml')).stdout,
    ) as Obj;
    expect(secret).toMatchObject({
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'literal-token', namespace: 'default' },
      data: {
        token: Buffer.from('s3cr3t').toString('base64'),
        peer: Buffer.from('cluster-02').toString('base64'),
      },
    });
    const again = await kubectl(
      'cluster-01',
      'create',
      'secret',
      'generic',
      'literal-token',
      '--from-literal=a=b',
    );
    expect(again.stderr).toContain('secrets "literal-token" already exists');
  });

  it('creates a ConfigMap and a Namespace that read back', async () => {
    const map = await kubectl('cluster-01', 'create', 'configmap', 'settings', '--from-literal=mode=local');
    expect(map.stdout).toContain('configmap/settings created');
    const read = parse(
      (await kubectl('cluster-01', 'get', 'configmap', 'settings', '-o', 'yaml')).stdout,
    ) as Obj;
    expect(read).toMatchObject({ kind: 'ConfigMap', data: { mode: 'local' } });
    const ns = await kubectl('cluster-02', 'create', 'namespace', 'team-a');
    expect(ns.stdout).toContain('namespace/team-a created');
    const namespace = parse(
      (await kubectl('cluster-02', 'get', 'namespace', 'team-a', '-o', 'yaml')).stdout,
    ) as Obj;
    expect(namespace).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'team-a' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    const inside = await kubectl(
      'cluster-02',
      'create',
      'secret',
      'generic',
      'x',
      '-n',
      'team-a',
      '--from-literal=k=v',
    );
    expect(inside.stdout).toContain('secret/x created');
  });

  it('creates a headless Service and prints it with Cluster-IP None', async () => {
    const created = await kubectl(
      'cluster-02',
      'create',
      'service',
      'clusterip',
      'consul-server',
      '--clusterip=None',
      '--tcp=8501:8501',
    );
    expect(created.stdout).toContain('service/consul-server created');
    const table = await kubectl('cluster-02', 'get', 'service', 'consul-server');
    expect(table.stdout).toMatch(/consul-server\s+ClusterIP\s+None\s+<none>\s+8501\/TCP\s+\d+s/);
  });

  it('deletes the resources and the Secret', async () => {
    const deleted = await kubectl('cluster-01', 'delete', '-f', join(dir, 'peering.yaml'));
    expect(deleted.stdout).toContain('peeringacceptor.consul.hashicorp.com "cluster-02" deleted');
    expect(deleted.stdout).toContain('secret "peering-token-cluster-02" deleted');
    const gone = await kubectl('cluster-01', 'get', 'secret', 'peering-token-cluster-02');
    expect(gone.stderr).toContain(
      'Error from server (NotFound): secrets "peering-token-cluster-02" not found',
    );
  });
});
