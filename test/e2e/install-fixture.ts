/**
 * Sandboxes shaped like a chosen Consul install (a Helm values file, `helm template`, extra
 * objects) for one of the examples, with the example adapted to that install where it must be
 * (ACL tokens from the install's bootstrap Secret), and meshpeer run against them through BullMQ.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { clusterConnections } from '../../src/app/cluster-connections.ts';
import { planTopology } from '../../src/app/plan-topology.ts';
import type { Plan } from '../../src/plan/index.ts';
import { Sandbox } from '../../src/sandbox/sandbox.ts';
import {
  type InstallOptions,
  type SandboxConfig,
  sandboxConfigFromTopology,
} from '../../src/sandbox/sandbox-config.ts';
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
  plan(): Promise<Plan>;
  stop(): Promise<void>;
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
    plan: async () => (await planTopology(topology, clusterConnections(topology, { kubeconfig }))).plan,
    async stop() {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
