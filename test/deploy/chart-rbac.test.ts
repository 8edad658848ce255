/**
 * The chart's RBAC (rbac.create) and deploy/cluster-access.yaml grant exactly what meshpeer calls.
 * meshpeer plans, applies (mesh gateway, ACL repair, acceptor, token copy, dialer, exports,
 * intentions, failover), verifies with the opt-in deep probe, rotates a TERMINATED peering, updates
 * and prunes, on sandbox clusters shaped like a default chart install (managed ACLs, TLS, a release
 * Secret), and plans an install rendered with `helm template`. Every request in the emulators'
 * logs must be allowed by the rules, and the rules may grant nothing meshpeer never called, but
 * for the few verbs of flows the sandbox cannot run (listed below with the reason).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { LoggedRequest } from '../../sandbox/src/kube/admin/request-counters.ts';
import type { Step } from '../../src/plan/index.ts';
import { execute } from '../../src/steps/executors.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import {
  defaultInstallValues,
  type InstallSandbox,
  startInstallSandbox,
  withInstallAcls,
} from '../e2e/install-fixture.ts';
import { parseManifests, type RenderedObject, renderChart } from '../support/helm-render.ts';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';
import {
  type Authorization,
  allows,
  grantedTriples,
  grantsOf,
  type PolicyRule,
  requiredAuthorizations,
  triple,
  tripleOf,
} from './rbac-rules.ts';

/**
 * Verbs granted for flows the sandbox does not run. SamenessGroups need Consul Enterprise (Consul
 * CE refuses them, and the sandbox's default install is CE), so meshpeer only lists them here:
 * ensure-sameness-group.ts applies them (patch, and create when new) and runPrune reads then
 * deletes the ones it made.
 */
const unexercised = new Set([
  triple('consul.hashicorp.com', 'samenessgroups', 'get'),
  triple('consul.hashicorp.com', 'samenessgroups', 'create'),
  triple('consul.hashicorp.com', 'samenessgroups', 'patch'),
  triple('consul.hashicorp.com', 'samenessgroups', 'delete'),
]);

/** The paths the default `system:discovery` ClusterRole lets every authenticated user read. */
const discovery = /^\/(api|apis|version|openapi)(\/|$)/;

/** A sandbox install, the Consul server Service its proxy requests name, and what meshpeer asked of it. */
interface Install {
  readonly fx: InstallSandbox;
  readonly serverService: string;
  log: LoggedRequest[];
}

const installs: Install[] = [];
let log: LoggedRequest[] = [];

async function editedTopology(
  fx: InstallSandbox,
  name: string,
  edit: (doc: Record<string, unknown>) => void,
) {
  const doc = parse(await readFile(fx.file, 'utf8')) as Record<string, unknown>;
  edit(doc);
  const file = join(fx.file, '..', `${name}.yaml`);
  await writeFile(file, stringify(doc));
  const loaded = await loadTopologyFile(file);
  if (!loaded.ok) throw new Error(`${name}: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.topology;
}

async function applied(fx: InstallSandbox, topology?: Topology): Promise<string[]> {
  const run = await fx.apply(topology);
  expect(run.status, JSON.stringify(run.steps.filter((s) => s.status === 'failed'))).toBe('succeeded');
  return run.steps.map((s) => s.kind);
}

async function until(what: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything meshpeer does to a default chart install, with the gateways' ACL policy to repair. */
async function defaultInstallFlows(): Promise<void> {
  const fx = await startInstallSandbox(
    'failover',
    { helmValues: await defaultInstallValues(), release: 'consul' },
    {
      edit: (text) => withInstallAcls(text, 'consul-consul'),
      // `api` is registered in cluster-02's catalog for the export added later.
      adjust: (c) => ({
        ...c,
        clusters: c.clusters.map((x) => ({
          ...x,
          acls: { ...x.acls, gatewayPolicyLacksPeeringRead: true },
          services: x.name === 'cluster-02' ? [...x.services, { name: 'api' }] : x.services,
        })),
      }),
    },
  );
  // `helm install consul hashicorp/consul` without global.name: fullname consul-consul.
  installs.push({ fx, serverService: 'consul-consul-server', log: [] });
  expect((await fx.plan()).converged).toBe(false);
  expect(await applied(fx)).toEqual(
    expect.arrayContaining(['acl', 'acceptor', 'token-transfer', 'dialer', 'export']),
  );
  // The opt-in deep probe: a temporary peering made and deleted through the service proxy.
  const deep = { ...fx.topology, verify: { ...fx.topology.verify, probe: true } };
  const verify = (await fx.plan(deep)).steps.find((s): s is Step & { kind: 'verify' } => s.kind === 'verify');
  expect(verify && (await execute(verify, fx.context()))).toMatchObject({ type: 'done' });
  // The dialer side deleted behind meshpeer: the TERMINATED acceptor side is cleared, then rotated.
  const bootstrap = fx.sandbox.stack('cluster-01').consul.acl?.bootstrapToken;
  await fx.sandbox.stack('cluster-02').consul.faults.deletePeering('cluster-01');
  const consul = sandboxConsulClient(fx.sandbox, 'cluster-01', bootstrap);
  await until(async () => (await consul.readPeering('cluster-02'))?.State === 'TERMINATED');
  expect(await applied(fx)).toContain('rotate');
  // Another exported service and intention source, and a ServiceResolver changed by hand: the
  // shared objects are read-modify-written, the resolver repaired.
  fx.sandbox.cluster('cluster-01').objects.patch(
    {
      apiVersion: 'consul.hashicorp.com/v1alpha1',
      kind: 'ServiceResolver',
      namespace: 'consul',
      name: 'static-server',
    },
    'merge',
    { spec: { failover: { '*': { targets: [{ peer: 'cluster-09' }] } } } },
  );
  const more = await editedTopology(fx, 'more', (doc) => {
    const exports = doc.exports as Array<{ services: Array<Record<string, unknown>> }>;
    exports[0]?.services.push({ name: 'api', consumers: [{ peer: 'cluster-01' }] });
    const intentions = doc.intentions as Array<{ sources: Array<Record<string, unknown>> }>;
    intentions[0]?.sources.push({ peer: 'cluster-01', service: 'web', action: 'deny' });
  });
  await applied(fx, more);
  // Everything removed: meshpeer prunes what it made, down to the last peering.
  const none = await editedTopology(fx, 'none', (doc) => {
    for (const key of ['peerings', 'exports', 'intentions', 'failover']) delete doc[key];
    doc.prune = { enabled: true, allowAll: true };
  });
  expect(await applied(fx, none)).toEqual(
    expect.arrayContaining(['prune-dialer', 'prune-acceptor', 'prune-token-secret', 'prune-export']),
  );
}

/** An install rendered with `helm template` (no release Secret): its values are read from the objects. */
async function templateInstallFlows(): Promise<void> {
  const fx = await startInstallSandbox('runbook', { installedWith: 'template', release: 'consul' });
  // The seed's example values set global.name: consul, so the server Service is consul-server.
  installs.push({ fx, serverService: 'consul-server', log: [] });
  await applied(fx);
}

beforeAll(async () => {
  await defaultInstallFlows();
  await templateInstallFlows();
  for (const install of installs)
    install.log = install.fx.sandbox.clusters.flatMap((c) => c.requests.requestLog());
  log = installs.flatMap((i) => i.log);
}, 240_000);

afterAll(async () => {
  for (const install of installs) await install.fx.stop();
});

const meshpeerAccount = { namespace: 'meshpeer', name: 'meshpeer' };
const accessAccount = { namespace: 'consul', name: 'meshpeer' };

/** The requests of each install its rules (made for that install's server Service) would refuse. */
async function refused(
  rulesFor: (serverService: string) => Promise<RenderedObject[]>,
  account: { namespace: string; name: string },
): Promise<Authorization[]> {
  const out: Authorization[] = [];
  for (const install of installs) {
    const grants = grantsOf(await rulesFor(install.serverService), account);
    out.push(...requiredAuthorizations(install.log).filter((a) => !allows(grants, a)));
  }
  return out;
}

function rulesGranted(objects: RenderedObject[]): PolicyRule[] {
  return objects
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
    .flatMap((o) => o.rules as PolicyRule[]);
}

describe('what meshpeer called', () => {
  it('covers reads, applies, the service proxy, and cluster-wide lists', () => {
    const used = new Set(requiredAuthorizations(log).map(tripleOf));
    for (const t of [
      'core secrets patch',
      'core secrets create',
      'core services list',
      'apps deployments list',
      'core services/proxy get',
      'core services/proxy create',
      'core services/proxy update',
      'core services/proxy delete',
      'consul.hashicorp.com peeringacceptors patch',
      'consul.hashicorp.com exportedservices update',
      'consul.hashicorp.com serviceintentions delete',
    ])
      expect(used, t).toContain(t);
    const clusterWide = requiredAuthorizations(log).filter((a) => a.namespace === undefined);
    expect(new Set(clusterWide.map((a) => `${a.resource} ${a.verb}`))).toEqual(
      new Set([
        'meshes list',
        'proxydefaults list',
        'exportedservices list',
        'serviceintentions list',
        'serviceresolvers list',
        'samenessgroups list',
      ]),
    );
  });

  it('reads only discovery documents outside the resource API', () => {
    const paths = log.filter((r) => r.nonResourcePath !== undefined).map((r) => r.nonResourcePath ?? '');
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !discovery.test(p))).toEqual([]);
  });
});

describe('charts/meshpeer with rbac.create', () => {
  let objects: RenderedObject[];
  const render = (server: string) =>
    renderChart({ set: ['rbac.create=true', `rbac.consulServerServices={${server}}`] });
  beforeAll(async () => {
    objects = await renderChart({ set: ['rbac.create=true'] });
  });

  it('allows every request meshpeer made', async () => {
    expect(await refused(render, meshpeerAccount)).toEqual([]);
  });

  it('grants nothing meshpeer never called (beyond the Enterprise-only sameness groups)', () => {
    const used = new Set(requiredAuthorizations(log).map(tripleOf));
    const extra = [...grantedTriples(rulesGranted(objects))].filter(
      (t) => !used.has(t) && !unexercised.has(t),
    );
    expect(extra).toEqual([]);
    for (const t of unexercised)
      expect(used, `${t} is exercised now: drop it from the list`).not.toContain(t);
  });

  it('binds the ClusterRole cluster-wide and the Role only in the Consul namespace', () => {
    const grants = grantsOf(objects, meshpeerAccount);
    expect([...grants.namespaced.keys()]).toEqual(['consul']);
    const secretElsewhere = {
      verb: 'get',
      apiGroup: '',
      resource: 'secrets',
      namespace: 'kube-system',
      name: 'x',
    };
    expect(allows(grants, secretElsewhere)).toBe(false);
    const otherProxy = {
      verb: 'get',
      apiGroup: '',
      resource: 'services',
      subresource: 'proxy',
      namespace: 'consul',
      name: 'https:vault:https',
    };
    expect(allows(grants, otherProxy)).toBe(false);
  });
});

describe('deploy/cluster-access.yaml', () => {
  let text: string;
  let objects: RenderedObject[];
  beforeAll(async () => {
    text = await readFile('deploy/cluster-access.yaml', 'utf8');
    objects = parseManifests(text);
  });

  it('allows every request meshpeer made, as the ServiceAccount whose token it stores', async () => {
    // As its header says: `consul-consul-server` becomes the install's `<fullname>-server`.
    const edited = async (server: string) => parseManifests(text.replaceAll('consul-consul-server', server));
    expect(await refused(edited, accessAccount)).toEqual([]);
    const token = objects.find((o) => o.kind === 'Secret');
    expect(token).toMatchObject({
      type: 'kubernetes.io/service-account-token',
      metadata: { namespace: 'consul', annotations: { 'kubernetes.io/service-account.name': 'meshpeer' } },
    });
  });

  it("carries exactly the chart's rules", async () => {
    const chart = await renderChart({ set: ['rbac.create=true'] });
    const rules = (objects: RenderedObject[], kind: string) => objects.find((o) => o.kind === kind)?.rules;
    expect(rules(objects, 'ClusterRole')).toEqual(rules(chart, 'ClusterRole'));
    expect(rules(objects, 'Role')).toEqual(rules(chart, 'Role'));
  });
});

describe('docs/real-clusters.md#permissions', () => {
  it("shows the chart's rules", async () => {
    const doc = await readFile('docs/real-clusters.md', 'utf8');
    const section = doc.slice(doc.indexOf('### Kubernetes RBAC'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const shown = parseManifests(block);
    const chart = await renderChart({ set: ['rbac.create=true'] });
    for (const kind of ['ClusterRole', 'Role'])
      expect(shown.find((o) => o.kind === kind)?.rules, kind).toEqual(
        chart.find((o) => o.kind === kind)?.rules,
      );
  });
});
