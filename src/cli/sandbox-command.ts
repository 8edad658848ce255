/**
 * `meshpeer sandbox up`: starts N simulated clusters on loopback (a Kubernetes API emulator each),
 * writes DIR/kubeconfig and DIR/sandbox.json, and runs in the foreground until SIGINT or SIGTERM.
 */
import { relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Sandbox } from '../sandbox/sandbox.ts';
import { colorEnabled, out, paint } from './output.ts';

/** Options of `sandbox up`. */
export interface SandboxUpOptions {
  clusters: number;
  dir: string;
  persist: boolean;
}

function parseClusterCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 999)
    throw new InvalidArgumentError('use a whole number from 1 to 999');
  return n;
}

/** The start-up summary: clusters, URLs and how to point kubectl at them. */
export function sandboxSummary(sandbox: Sandbox, persist: boolean): string {
  const c = paint(colorEnabled());
  const dir = sandbox.dir ?? '';
  const shown = relative(process.cwd(), dir) || '.';
  const lines = [
    c.bold(
      `meshpeer sandbox: ${sandbox.clusters.length} cluster${sandbox.clusters.length === 1 ? '' : 's'} up`,
    ),
    ...sandbox.clusters.map((cl) => `  ${cl.name}  ${cl.kube.url}`),
    `kubeconfig  ${dir}/kubeconfig (one context per cluster)`,
    `endpoints   ${dir}/sandbox.json`,
    persist ? `state       ${dir}/state (kept across restarts)` : 'state       in memory only (--no-persist)',
    '',
    c.gray('try:'),
    `  export KUBECONFIG=${shown.startsWith('..') ? dir : shown}/kubeconfig`,
    `  kubectl --context ${sandbox.clusters[0]?.name ?? 'cluster-01'} get namespaces`,
    '',
    'press Ctrl-C to stop',
  ];
  return lines.join('\n');
}

/** Runs the sandbox until a signal arrives (or `stop` resolves, for tests); returns the exit code. */
export async function runSandboxUp(options: SandboxUpOptions, stop?: Promise<void>): Promise<number> {
  const sandbox = await Sandbox.start({
    clusters: options.clusters,
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

const sandboxHelp = `
The sandbox runs simulated clusters on loopback so meshpeer can be tried without real Kubernetes
or Consul. Each cluster is a Kubernetes API emulator (HTTPS with its own CA, bearer-token auth)
serving Namespaces, Secrets, ConfigMaps, Services, Deployments and the consul-k8s peering resources
(PeeringAcceptor, PeeringDialer, Mesh, ProxyDefaults, ExportedServices); kubectl and meshpeer reach
it through the generated kubeconfig, one context per cluster.

Examples:
  $ meshpeer sandbox up --clusters 3
  $ export KUBECONFIG=.sandbox/kubeconfig
  $ kubectl --context cluster-01 get peeringacceptors -A
`;

/** Adds `sandbox` (with `up`) to the program. */
export function registerSandboxCommand(program: Command): void {
  const sandbox = new Command('sandbox')
    .description('run simulated clusters on this machine (a Kubernetes API emulator per cluster)')
    .addHelpText('after', sandboxHelp);
  sandbox
    .command('up')
    .description('start N clusters, write DIR/kubeconfig and DIR/sandbox.json, run until Ctrl-C or SIGTERM')
    .option(
      '--clusters <n>',
      'how many clusters to start, named cluster-01, cluster-02, ...',
      parseClusterCount,
      2,
    )
    .option('--dir <dir>', "where kubeconfig, sandbox.json and the clusters' state are written", '.sandbox')
    .option('--no-persist', 'keep objects in memory only (by default they survive a restart)')
    .action(async (opts: SandboxUpOptions) => {
      process.exitCode = await runSandboxUp(opts);
    });
  program.addCommand(sandbox);
}
