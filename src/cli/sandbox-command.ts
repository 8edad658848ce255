/**
 * `meshpeer sandbox up`: starts simulated clusters on loopback (a Kubernetes API emulator, a Consul
 * server, consul-k8s controllers and a mesh gateway each), writes DIR/kubeconfig and
 * DIR/sandbox.json, and runs in the foreground until SIGINT or SIGTERM. `meshpeer sandbox fault`
 * drives Consul faults of a running sandbox through its admin API.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { SandboxFaultOptions, SandboxUpOptions } from './sandbox-run.ts';

/**
 * The faults `sandbox fault` takes, named here so that `--help` does not load the simulator
 * (test/cli/command-modules.test.ts checks them against sandbox-run.ts's requests).
 */
export const FAULT_ACTIONS = [
  'drop-streams',
  'delete-peering',
  'stop',
  'start',
  'latency',
  'gateway-counters',
  'service-health',
] as const;

function parseClusterCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 999)
    throw new InvalidArgumentError('use a whole number from 1 to 999');
  return n;
}

const sandboxHelp = `
The sandbox runs simulated clusters on loopback so meshpeer can be tried without real Kubernetes
or Consul. Each cluster is a Consul install as the consul Helm chart renders it for its values: a
Kubernetes API emulator (HTTPS, bearer-token auth, the consul-k8s CRDs and webhooks), the Helm
release Secret, server.replicas simulated Consul servers with one leader (HTTP API over HTTPS when
TLS is on, the peering protocol over TLS gRPC) behind the headless Service <fullname>-server, ACLs
as server-acl-init makes them, the consul-k8s controllers, and a mesh gateway that routes peering
traffic by SNI. Without --helm-values the clusters use the seed's example values (global.name
consul, peering, TLS, mesh gateway); Consul's real stream intervals apply (first heartbeat after
15 s). kubectl and meshpeer reach it through the generated kubeconfig.

Examples:
  $ meshpeer sandbox up --clusters 3
  $ meshpeer sandbox up --from desired-state-examples/runbook/peerings.yaml
  $ meshpeer sandbox up --from peerings.yaml --helm-values values.yaml --release consul
  $ meshpeer sandbox up --clusters 2 --helm-template   # no release Secret, as with Argo CD
  $ meshpeer sandbox up --config sandbox.yaml
  $ meshpeer sandbox fault drop-streams --cluster cluster-01
  $ meshpeer sandbox fault delete-peering cluster-02 --cluster cluster-01
  $ meshpeer sandbox fault service-health static-server=critical --cluster cluster-01
`;

/** Adds `sandbox` (with `up` and `fault`) to the program. */
export function registerSandboxCommand(program: Command): void {
  const sandbox = new Command('sandbox')
    .description('run simulated clusters (Kubernetes API, Consul, consul-k8s, mesh gateways) on this machine')
    .addHelpText('after', sandboxHelp);
  sandbox
    .command('up')
    .description('start the clusters, write DIR/kubeconfig and DIR/sandbox.json, run until Ctrl-C or SIGTERM')
    .option(
      '--clusters <n>',
      'start N default clusters named cluster-01, cluster-02, ... (default 2)',
      parseClusterCount,
    )
    .option(
      '--config <file>',
      'a sandbox configuration (YAML: clusters, datacenters, Helm values, ACLs, services)',
    )
    .option(
      '--from <file>',
      'a peerings.yaml: start its clusters, an install with its own kube context per admin partition, and the services it exports',
    )
    .option(
      '--helm-values <file>',
      "Helm values for every cluster, over the chart's defaults (like helm install -f); default: the seed's example values",
    )
    .option(
      '--release <name>',
      'the Helm release name of every cluster (default: consul, or consul.release in --from)',
    )
    .option('--helm-template', 'install as helm template | kubectl apply would: no Helm release Secret')
    .option('--dir <dir>', "where kubeconfig, sandbox.json and the clusters' state are written", '.sandbox')
    .option('--no-persist', 'keep objects in memory only (by default they survive a restart)')
    .option('--no-consul', 'only the Kubernetes API emulators: no Consul, controllers or mesh gateways')
    .action(async (opts: SandboxUpOptions) => {
      const { runSandboxUp } = await import('./sandbox-run.ts');
      process.exitCode = await runSandboxUp(opts);
    });
  sandbox
    .command('fault')
    .description(
      'inject a Consul fault into a running sandbox: drop-streams, delete-peering NAME, stop, start, latency MS, gateway-counters, service-health SERVICE=passing|warning|critical',
    )
    .argument('<action>', FAULT_ACTIONS.join(' | '))
    .argument(
      '[arg]',
      'the peering name (delete-peering), milliseconds (latency) or SERVICE=STATUS (service-health: every local instance of SERVICE, replicated to the peers importing it)',
    )
    .requiredOption('--cluster <name>', 'the cluster (kube context) to act on')
    .option('--peer <name>', 'drop-streams: only this peering')
    .option('--partition <name>', 'delete-peering, service-health: the admin partition')
    .option('--dir <dir>', 'the sandbox directory holding kubeconfig', '.sandbox')
    .action(async (action: string, arg: string | undefined, opts: SandboxFaultOptions) => {
      const { runSandboxFault } = await import('./sandbox-run.ts');
      process.exitCode = await runSandboxFault(action, arg, opts);
    });
  program.addCommand(sandbox);
}
