/**
 * Sandboxes shaped like a chosen Consul install (a Helm values file, `helm template`, extra
 * objects) for one of the examples, with the example adapted to that install where it must be
 * (ACL tokens from the install's bootstrap Secret), and meshpeer run against them through BullMQ.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { parse, stringify } from 'yaml';
import { Sandbox } from '../../sandbox/src/sandbox.ts';
import {
  type InstallOptions,
  type SandboxConfig,
  sandboxConfigFromTopology,
} from '../../sandbox/src/sandbox-config.ts';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import type { ClusterClient } from '../../src/kube/cluster-client.ts';
import type { Plan } from '../../src/plan/index.ts';
import { createInlineDispatcher } from '../../src/run/inline-dispatcher.ts';
import { planTopology } from '../../src/run/plan-topology.ts';
import { reconcileRun } from '../../src/run/reconcile-run.ts';
import { MemoryRunStore, type RunRecord } from '../../src/run/run-record.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import type { StepContext } from '../../src/steps/step-context.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';

/** The values of a default peering install (no global.name, TLS httpsOnly, managed ACLs, 3 servers). */
export async function defaultInstallValues(): Promise<Record<string, unknown>> {
  return parse(await readFile('test/fixtures/default-chart-install.values.yaml', 'utf8')) as Record<
    string,
    unknown
  >;
}

type Doc = Record<string, unknown> & {
  clusters: Array<Record<string, unknown>>;
  acls?: Record<string, unknown>;
};

/** An example with ACLs on, meshpeer's token read from each install's bootstrap Secret. */
export function withInstallAcls(text: string, fullname: string): string {
  const doc = parse(text) as Doc;
  doc.acls = { ...doc.acls, enabled: true };
  for (const c of doc.clusters) {
    const consul = (c.consul as Record<string, unknown> | undefined) ?? {};
    c.consul = { ...consul, aclToken: { secret: `${fullname}-bootstrap-acl-token`, key: 'token' } };
  }
  return stringify(doc);
}

/** A running sandbox and the (adapted) peerings.yaml it matches. */
export interface InstallSandbox {
  readonly sandbox: Sandbox;
  readonly topology: Topology;
  /** The adapted peerings.yaml, written to a temporary file. */
  readonly file: string;
  readonly kubeconfig: string;
  /** Write requests to every cluster's API so far. */
  writes(): number;
  /** meshpeer's client of a cluster, as `meshpeer plan` builds it from the kubeconfig. */
  client(cluster: string): ClusterClient;
  /** A StepContext as the workers build it. */
  context(): StepContext;
  plan(topology?: Topology): Promise<Plan>;
  /** `meshpeer apply --inline`: a whole run, in this process. */
  apply(topology?: Topology): Promise<RunRecord>;
  stop(): Promise<void>;
}

/** Short retries: the sandbox answers in milliseconds. */
const policy = { attempts: 10, backoffMs: 50, stepDeadlineMs: 30_000 };

let runs = 0;

function applyInline(topology: Topology, kubeconfig: string): Promise<RunRecord> {
  const clients = kubeClusterAccess({ overrides: { kubeconfig } }).clients(topology.clusters);
  const ctx = createStepContext(topology.clusters, topology.acls, clients);
  runs += 1;
  return reconcileRun(
    { runId: `e2e-${runs}`, target: topology.name, revision: 'test', trigger: { kind: 'cli' }, topology },
    { clients, dispatcher: createInlineDispatcher(ctx, policy), store: new MemoryRunStore() },
  );
}

/** Starts a sandbox for `example` installed with `install`; `edit` adapts the peerings.yaml text. */
export async function startInstallSandbox(
  example: string,
  install: InstallOptions,
  options: { edit?: (text: string) => string; adjust?: (c: SandboxConfig) => SandboxConfig } = {},
): Promise<InstallSandbox> {
  const dir = await mkdtemp(join(tmpdir(), `meshpeer-install-${example}-`));
  const original = await readFile(`desired-state-examples/${example}/peerings.yaml`, 'utf8');
  const file = join(dir, 'peerings.yaml');
  await writeFile(file, options.edit === undefined ? original : options.edit(original));
  const loaded = await loadTopologyFile(file);
  if (!loaded.ok)
    throw new Error(`adapted example ${example} is invalid: ${JSON.stringify(loaded.diagnostics)}`);
  const config = sandboxConfigFromTopology(loaded.topology, install);
  const sandbox = await Sandbox.start({ config: options.adjust?.(config) ?? config, dir, persist: false });
  const kubeconfig = join(dir, 'kubeconfig');
  const topology = loaded.topology;
  return {
    sandbox,
    topology,
    file,
    kubeconfig,
    writes: () => sandbox.clusters.reduce((n, c) => n + c.requests.writes(), 0),
    client: (cluster) => kubeClusterAccess({ overrides: { kubeconfig } }).clients(topology.clusters)(cluster),
    context: () =>
      createStepContext(
        topology.clusters,
        topology.acls,
        kubeClusterAccess({ overrides: { kubeconfig } }).clients(topology.clusters),
      ),
    plan: async (t = topology) =>
      (await planTopology(t, kubeClusterAccess({ overrides: { kubeconfig } }).clients(t.clusters))).plan,
    apply: (t = topology) => applyInline(t, kubeconfig),
    async stop() {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Per-test sandboxes of a test file: each is stopped after its test. */
export interface InstallSandboxes {
  /** The default chart install's values (test/fixtures/default-chart-install.values.yaml). */
  values(): Promise<Record<string, unknown>>;
  /** `example` on a default chart install, meshpeer's token from the install's bootstrap Secret. */
  defaultInstall(
    example: string,
    options?: { adjust?: (c: SandboxConfig) => SandboxConfig },
  ): Promise<InstallSandbox>;
  /** Any install; stopped after the test like the others. */
  start(...args: Parameters<typeof startInstallSandbox>): Promise<InstallSandbox>;
  /** The sandbox the running test started last. */
  current(): InstallSandbox;
}

/** Registers the after-each stop and returns the starters; call once at the top of a test file. */
export function installSandboxes(): InstallSandboxes {
  let values: Record<string, unknown> | undefined;
  const running: InstallSandbox[] = [];
  afterEach(async () => {
    for (const fx of running.splice(0)) await fx.stop();
  });
  const start = async (...args: Parameters<typeof startInstallSandbox>) => {
    const fx = await startInstallSandbox(...args);
    running.push(fx);
    return fx;
  };
  const loadValues = async () => {
    values ??= await defaultInstallValues();
    return values;
  };
  return {
    values: loadValues,
    start,
    defaultInstall: async (example, options = {}) =>
      start(
        example,
        { helmValues: await loadValues(), release: 'consul' },
        { ...options, edit: (text) => withInstallAcls(text, 'consul-consul') },
      ),
    current() {
      const fx = running.at(-1);
      if (fx === undefined) throw new Error('no sandbox started in this test');
      return fx;
    },
  };
}
