/**
 * `meshpeer demo`: a guided tour on this machine. It validates and explains every example in
 * desired-state-examples, shows how broken files are reported, then starts Redis (unless REDIS_URL
 * is set) and a sandbox matching the runbook example, walks Consul's peering runbook through the
 * sandbox's Kubernetes API and shows the peering going ACTIVE on both sides.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { walkRunbook } from '../sandbox/runbook-walk.ts';
import { Sandbox } from '../sandbox/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/sandbox-config.ts';
import { type LocalRedis, startLocalRedis } from '../testing/local-redis.ts';
import { explainTopology, formatDiagnostic, loadTopologyFile } from '../topology/index.ts';
import { colorEnabled, out, type Paint, paint } from './output.ts';

async function exampleDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'invalid')
    .map((e) => e.name)
    .sort();
}

/** Validates and explains the examples; returns how many were unexpectedly invalid. */
async function tourExamples(root: string, c: Paint): Promise<number> {
  let failures = 0;
  for (const name of await exampleDirs(root)) {
    const file = join(root, name, 'peerings.yaml');
    const result = await loadTopologyFile(file);
    out(`\n${c.bold(`== ${name}`)} ${c.gray(file)}`);
    if (!result.ok) {
      failures++;
      out(result.diagnostics.map(formatDiagnostic).join('\n'));
      continue;
    }
    out([c.green('valid'), ...explainTopology(result.topology).map((l) => `  ${l}`)].join('\n'));
  }
  const broken = join(root, 'invalid', '56-many-problems-at-once.yaml');
  const result = await loadTopologyFile(broken);
  out(
    `\n${c.bold('== a broken file')} ${c.gray(broken)}\n${c.yellow('every problem at once, as file:line:col: message')}`,
  );
  if (!result.ok) out(result.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n'));
  return failures;
}

/** Starts a sandbox for the runbook example, walks the runbook and stops; returns the exit code. */
export async function runRunbookDemo(root: string, c: Paint): Promise<number> {
  const file = join(root, 'runbook', 'peerings.yaml');
  const loaded = await loadTopologyFile(file);
  if (!loaded.ok) return 1;
  out(`\n${c.bold('== the runbook on a sandbox')} ${c.gray(file)}`);
  let redis: LocalRedis | undefined;
  if (process.env.REDIS_URL === undefined) {
    redis = await startLocalRedis();
    out(`redis      started on ${redis.url} (for the run queue of later steps)`);
  } else out('redis      using REDIS_URL');
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-demo-'));
  const sandbox = await Sandbox.start({
    config: sandboxConfigFromTopology(loaded.topology),
    dir,
    persist: false,
  });
  try {
    for (const cl of sandbox.clusters) {
      const { consul, gateway } = sandbox.stack(cl.name);
      out(
        `${cl.name} kube ${cl.kube.url}, consul ${consul.httpUrl} (dc ${consul.datacenter}), mesh gateway ${gateway?.address ?? 'none'}`,
      );
    }
    const started = Date.now();
    const result = await walkRunbook({
      kubeconfig: await readFile(join(dir, 'kubeconfig'), 'utf8'),
      topology: loaded.topology,
      progress: (line) => out(`${c.gray(`${String(Date.now() - started).padStart(5)} ms`)}  ${line}`),
    });
    for (const p of result.peerings) {
      for (const side of [p.acceptor, p.dialer])
        out(
          `${c.green(side.state)}  ${side.cluster} peering "${side.name}", last heartbeat ${side.lastHeartbeat}`,
        );
    }
    out(
      c.green(
        `\nthe peering is ACTIVE on both sides (PeeringDialer to ACTIVE in ${result.dialerToActiveMs.join(', ')} ms)`,
      ),
    );
    return 0;
  } finally {
    await sandbox.stop();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the tour and the sandbox walk; returns the exit code (1 if anything failed). */
export async function runDemo(root: string, options: { sandbox?: boolean } = {}): Promise<number> {
  const c = paint(colorEnabled());
  const failures = await tourExamples(root, c);
  out(
    `\n${failures === 0 ? c.green('all examples are valid') : c.red(`${failures} example(s) are invalid`)}. Next: npx meshpeer validate -f <file>, npx meshpeer schema`,
  );
  const walked = options.sandbox === false ? 0 : await runRunbookDemo(root, c);
  return failures === 0 && walked === 0 ? 0 : 1;
}

/** Adds `demo` to the program. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('a guided tour: the desired-state examples, then the peering runbook on a sandbox')
    .option('--examples <dir>', 'folder holding the examples', 'desired-state-examples')
    .option('--no-sandbox', 'only validate and explain the examples')
    .action(async (opts: { examples: string; sandbox: boolean }) => {
      process.exitCode = await runDemo(opts.examples, { sandbox: opts.sandbox });
    });
}
