/** The work of `meshpeer sandbox up` and `fault`, loaded only when they run: the simulator. */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatDiagnostic, loadTopologyFile } from '../topology/index.ts';
import { type InstallOptions, loadSandbox, type Sandbox, type SandboxConfig } from './load-sandbox.ts';
import { colorEnabled, out, paint } from './output.ts';

/** Options of `sandbox up`. */
export interface SandboxUpOptions {
  clusters?: number;
  /** With `--clusters`: also run Consul, the controllers and gateways (bare emulators otherwise). */
  consul?: boolean;
  config?: string;
  from?: string;
  /** A Helm values file for every cluster, over the chart's defaults. */
  helmValues?: string;
  release?: string;
  /** Install as `helm template | kubectl apply` would: no release Secret. */
  helmTemplate?: boolean;
  dir: string;
  persist: boolean;
}

/** Reads a Helm values file: a YAML mapping, as `helm install -f` takes it. */
async function readValuesFile(file: string): Promise<Record<string, unknown>> {
  const { parse } = await import('yaml');
  let values: unknown;
  try {
    values = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (values === null || values === undefined) return {};
  if (typeof values !== 'object' || Array.isArray(values))
    throw new Error(`${file}: Helm values must be a YAML mapping (like values.yaml)`);
  return values as Record<string, unknown>;
}

async function installOptions(
  options: Pick<SandboxUpOptions, 'helmValues' | 'release' | 'helmTemplate'>,
): Promise<InstallOptions> {
  return {
    ...(options.helmValues !== undefined && { helmValues: await readValuesFile(options.helmValues) }),
    ...(options.release !== undefined && { release: options.release }),
    ...(options.helmTemplate === true && { installedWith: 'template' as const }),
  };
}

/**
 * Resolves which clusters to start from `--clusters`, `--config` or `--from` (at most one);
 * undefined means bare Kubernetes API emulators (`--no-consul`).
 */
export async function sandboxConfigFor(
  options: Pick<
    SandboxUpOptions,
    'clusters' | 'config' | 'from' | 'consul' | 'helmValues' | 'release' | 'helmTemplate'
  >,
): Promise<SandboxConfig | undefined> {
  const given = [options.clusters, options.config, options.from].filter((v) => v !== undefined);
  if (given.length > 1) throw new Error('use only one of --clusters, --config and --from');
  const install = await installOptions(options);
  if (options.config !== undefined) {
    if (Object.keys(install).length > 0)
      throw new Error(
        '--helm-values, --release and --helm-template do not combine with --config: set helmValues and clusters[].helm in the config file',
      );
    return (await loadSandbox()).loadSandboxConfig(options.config);
  }
  if (options.from !== undefined) {
    const loaded = await loadTopologyFile(options.from);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    return (await loadSandbox()).sandboxConfigFromTopology(loaded.topology, install);
  }
  if (options.consul === false) return undefined;
  return (await loadSandbox()).defaultSandboxConfig(options.clusters ?? 2, install);
}

function clusterLines(sandbox: Sandbox): string[] {
  return sandbox.clusters.flatMap((cl) => {
    const lines = [`  ${cl.name}  ${cl.kube.url}  (kube context ${cl.name})`];
    if (sandbox.config === undefined) return lines;
    const { consul, gateway, install, partition, server } = sandbox.stack(cl.name);
    const servers = consul.servers.length === 1 ? '1 server' : `${consul.servers.length} servers`;
    lines.push(
      server === undefined
        ? `              consul ${consul.apiUrl} (Service ${install.fullname}-server, dc ${consul.datacenter}, ${servers}${consul.acl === undefined ? '' : ', managed ACLs'})`
        : `              partition ${partition}: consul-k8s using the servers of ${server} (externalServers, dc ${consul.datacenter})`,
    );
    if (gateway !== undefined) lines.push(`              mesh gateway ${gateway.address}`);
    return lines;
  });
}

/** The start-up summary: clusters, URLs and how to point kubectl at them. */
export function sandboxSummary(sandbox: Sandbox, persist: boolean): string {
  const c = paint(colorEnabled());
  const dir = sandbox.dir ?? '';
  const shown = relative(process.cwd(), dir) || '.';
  // A datacenter's own install: partition installs have no server Service to show.
  const own = sandbox.clusters.find(
    (c) => sandbox.config === undefined || sandbox.stack(c.name).server === undefined,
  );
  const first = own?.name ?? 'cluster-01';
  const install = sandbox.config === undefined ? undefined : sandbox.stack(first).install;
  const port = install?.switches.tlsEnabled === false ? 'http' : 'https';
  const server = `${port}:${install?.fullname ?? 'consul'}-server:${port}`;
  const lines = [
    c.bold(
      `meshpeer sandbox: ${sandbox.clusters.length} cluster${sandbox.clusters.length === 1 ? '' : 's'} up`,
    ),
    ...clusterLines(sandbox),
    `kubeconfig  ${dir}/kubeconfig (one context per cluster)`,
    `endpoints   ${dir}/sandbox.json`,
    persist ? `state       ${dir}/state (kept across restarts)` : 'state       in memory only (--no-persist)',
    '',
    c.gray('try:'),
    `  export KUBECONFIG=${shown.startsWith('..') ? dir : shown}/kubeconfig`,
    `  kubectl --context ${first} get peeringacceptors,peeringdialers -A`,
    ...(install === undefined
      ? []
      : [
          `  kubectl --context ${first} get --raw /api/v1/namespaces/consul/services/${server}/proxy/v1/peerings`,
        ]),
    '',
    'press Ctrl-C to stop',
  ];
  return lines.join('\n');
}

/** Runs the sandbox until a signal arrives (or `stop` resolves, for tests); returns the exit code. */
export async function runSandboxUp(options: SandboxUpOptions, stop?: Promise<void>): Promise<number> {
  const config = await sandboxConfigFor(options);
  const { Sandbox } = await loadSandbox();
  const sandbox = await Sandbox.start({
    ...(config === undefined ? { clusters: options.clusters ?? 2 } : { config }),
    dir: options.dir,
    persist: options.persist,
  });
  out(sandboxSummary(sandbox, options.persist));
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  let onSignal = (): void => {};
  const signalled = new Promise<void>((resolve) => {
    onSignal = () => resolve();
    for (const s of signals) process.once(s, onSignal);
  });
  await Promise.race(stop === undefined ? [signalled] : [signalled, stop]);
  for (const s of signals) process.off(s, onSignal);
  await sandbox.stop();
  out('meshpeer sandbox: stopped');
  return 0;
}

/** Options of `sandbox fault`. */
export interface SandboxFaultOptions {
  cluster: string;
  dir: string;
  peer?: string;
  partition?: string;
}

/** Each fault's admin API request. */
export const faultActions: Record<
  string,
  (o: SandboxFaultOptions, arg?: string) => ['POST' | 'PUT' | 'GET', string, unknown?]
> = {
  'drop-streams': (o) => ['POST', '/consul/drop-streams', o.peer === undefined ? {} : { peer: o.peer }],
  'delete-peering': (o, name) => [
    'POST',
    '/consul/delete-peering',
    { name, ...(o.partition !== undefined && { partition: o.partition }) },
  ],
  stop: () => ['POST', '/consul/stop'],
  start: () => ['POST', '/consul/start'],
  latency: (_o, ms) => ['PUT', '/consul/latency', { ms: Number(ms) }],
  'gateway-counters': () => ['GET', '/gateway/counters'],
  'service-health': (o, arg) => ['POST', '/consul/service-health', serviceHealthBody(arg, o.partition)],
};

/** `SERVICE=STATUS` as the admin API's service-health body. */
function serviceHealthBody(arg: string | undefined, partition: string | undefined) {
  const [service, status] = (arg ?? '').split('=');
  if (!service || !['passing', 'warning', 'critical'].includes(status ?? ''))
    throw new Error('service-health takes SERVICE=passing|warning|critical, e.g. static-server=critical');
  return { service, status, ...(partition !== undefined && { partition }) };
}

/** Sends one fault to a running sandbox's cluster through the Kubernetes API; returns the exit code. */
export async function runSandboxFault(
  action: string,
  arg: string | undefined,
  options: SandboxFaultOptions,
): Promise<number> {
  const build = faultActions[action];
  if (build === undefined)
    throw new Error(`unknown fault "${action}"; use one of ${Object.keys(faultActions).join(', ')}`);
  const kubeconfig = await readFile(join(options.dir, 'kubeconfig'), 'utf8');
  const { RunbookClient, kubeConfigForContext } = await loadSandbox();
  const client = new RunbookClient(options.cluster, kubeConfigForContext(kubeconfig, options.cluster));
  const [method, path, body] = build(options, arg);
  out(JSON.stringify(await client.admin(method, path, body), null, 2));
  return 0;
}
