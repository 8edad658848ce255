/**
 * The chart and the plain manifests as a cluster sees them: `kubectl apply --dry-run=server` of
 * every render against a sandbox Kubernetes API (which validates and defaults like the real
 * server and stores nothing), and the chart's in-cluster kubeconfig used by meshpeer's own client.
 * kubectl is the one on PATH (Debian's 1.20 on CI, 1.32 here): only flags both know are used.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { SandboxCluster } from '../../sandbox/src/sandbox-cluster.ts';
import { renderKubeconfig } from '../../sandbox/src/sandbox-files.ts';
import { findKubectl } from '../../sandbox/test/kube/kubectl-path.ts';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';
import { parseManifests, type RenderedObject, renderChart, renderChartText } from '../support/helm-render.ts';

const run = promisify(execFile);
const kubectlPath = findKubectl();

let cluster: SandboxCluster;
let dir: string;

async function kubectl(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(kubectlPath, ['--kubeconfig', join(dir, 'kubeconfig'), ...args]);
  child.child.stdin?.end(input ?? '');
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const dryRun = (manifest: string) => kubectl(['apply', '--dry-run=server', '-f', '-'], manifest);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpeer-chart-'));
  cluster = await SandboxCluster.start({ name: 'chart-01' });
  await writeFile(join(dir, 'kubeconfig'), renderKubeconfig([cluster]));
  for (const name of ['meshpeer', 'consul', 'consul-partitions'])
    cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});

afterAll(async () => {
  await cluster?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** `kind/name` of each line kubectl printed for a dry run ("deployment.apps/x created (server dry run)"). */
function dryRunLines(stdout: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.includes('(server dry run)'));
}

describe('kubectl apply --dry-run=server', () => {
  it('accepts the default render and stores nothing', async () => {
    const result = await dryRun(await renderChartText());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(dryRunLines(result.stdout)).toHaveLength(6);
    expect(result.stdout).toContain('deployment.apps/meshpeer-serve created (server dry run)');
    expect(result.stdout).toContain('statefulset.apps/meshpeer-redis created (server dry run)');
    const stored = await kubectl([
      'get',
      'deployments,statefulsets,serviceaccounts',
      '-n',
      'meshpeer',
      '-o',
      'name',
    ]);
    expect(stored.stdout.trim()).toBe('');
  });

  it('accepts every optional feature but the ServiceMonitor (a CRD only where the Prometheus operator runs)', async () => {
    const text = await renderChartText({
      values: ['test/deploy/all-features.values.yaml'],
      set: ['serviceMonitor.enabled=false'],
    });
    const result = await dryRun(text);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = dryRunLines(result.stdout).map((l) => l.split(' ')[0]);
    expect(created).toEqual(
      expect.arrayContaining([
        'horizontalpodautoscaler.autoscaling/meshpeer-worker',
        'clusterrole.rbac.authorization.k8s.io/meshpeer',
        'clusterrolebinding.rbac.authorization.k8s.io/meshpeer',
        'role.rbac.authorization.k8s.io/meshpeer',
        'rolebinding.rbac.authorization.k8s.io/meshpeer',
        'configmap/meshpeer-targets',
        'configmap/meshpeer-in-cluster',
        'serviceaccount/meshpeer',
      ]),
    );
    expect(created).toHaveLength(parseManifests(text).length);
  });

  it('accepts deploy/meshpeer.yaml and deploy/cluster-access.yaml', async () => {
    for (const file of ['deploy/meshpeer.yaml', 'deploy/cluster-access.yaml']) {
      const text = await readFile(file, 'utf8');
      const result = await dryRun(text);
      // The namespace exists already (a dry run cannot create it for the objects in it), made
      // without kubectl, so kubectl warns that it will take it over: the only line allowed.
      const stderr = result.stderr
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('Warning: resource namespaces/meshpeer is missing'));
      expect(stderr, file).toEqual([]);
      expect(dryRunLines(result.stdout), file).toHaveLength(parseManifests(text).length);
    }
  });

  it('is refused by the server when the chart renders something invalid (the dry run validates)', async () => {
    const objects = await renderChart({ set: ['rbac.create=true'] });
    const role = objects.find((o) => o.kind === 'Role') as RenderedObject;
    role.rules[0].verbs = [];
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding') as RenderedObject;
    binding.roleRef.kind = 'Role';
    const result = await dryRun([role, binding].map((o) => stringify(o)).join('---\n'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('verbs must contain at least one value');
    expect(result.stderr).toContain('Unsupported value: "Role"');
  });
});

describe("the chart's in-cluster kubeconfig", () => {
  it("lets meshpeer's client reach the API with the ServiceAccount's token file", async () => {
    const objects = await renderChart({ set: ['rbac.create=true'] });
    const config = objects.find((o) => o.metadata.name === 'meshpeer-in-cluster') as RenderedObject;
    // The pod's paths (/var/run/secrets/...) and https://kubernetes.default.svc, moved to the sandbox's.
    const token = join(dir, 'token');
    const ca = join(dir, 'ca.crt');
    await writeFile(token, cluster.kube.token);
    await writeFile(ca, cluster.kube.caPem);
    const text = String(config.data.kubeconfig)
      .replace('https://kubernetes.default.svc', cluster.kube.url)
      .replace('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', ca)
      .replace('/var/run/secrets/kubernetes.io/serviceaccount/token', token);
    await writeFile(join(dir, 'in-cluster'), text);
    expect(parse(text)['current-context']).toBe('in-cluster');
    await writeFile(
      join(dir, 'peerings.yaml'),
      stringify({
        apiVersion: 'meshpeer.dev/v1alpha1',
        kind: 'PeeringTopology',
        metadata: { name: 'local' },
        clusters: [{ name: 'local', context: 'in-cluster', kubeconfig: join(dir, 'in-cluster') }],
        peerings: [],
      }),
    );
    const loaded = await loadTopologyFile(join(dir, 'peerings.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const client = kubeClusterAccess().clients(loaded.topology.clusters)('local');
    cluster.requests.reset();
    const namespaces = await client.list('v1', 'Namespace', '');
    expect(namespaces.map((n) => n.metadata.name)).toContain('consul');
    expect(cluster.requests.count({ verb: 'list', resource: 'namespaces' })).toBe(1);
  });
});
