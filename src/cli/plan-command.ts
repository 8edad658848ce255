/** `meshpeer plan`: what apply would do, like `terraform plan -detailed-exitcode`. */
import { Command, Option } from 'commander';
import { clusterConnections } from '../app/cluster-connections.ts';
import { planTopology } from '../app/plan-topology.ts';
import { type Plan, renderJson, renderMarkdown, renderText } from '../plan/index.ts';
import { formatDiagnostic, installCount, loadTopologyFile, TopologyReadError } from '../topology/index.ts';
import { addClusterOptions, clusterOptions } from './cluster-options.ts';
import { colorEnabled, err, out, paint, parseOutput } from './output.ts';

/** 0: nothing but verification; 2: changes; 1: errors (invalid file, failed preconditions). */
export function planExitCode(plan: Plan): number {
  if (plan.errors.length > 0) return 1;
  return plan.converged ? 0 : 2;
}

interface PlanFlags {
  file: string;
  output: string;
  kubeconfig?: string;
  context?: string[];
  timeout: string;
  strict?: boolean;
}

async function runPlan(flags: PlanFlags): Promise<number> {
  const output = parseOutput(flags.output, ['text', 'markdown', 'json']);
  const access = clusterOptions(flags);
  const loaded = await loadTopologyFile(flags.file).catch((e: unknown) => {
    if (e instanceof TopologyReadError) return e;
    throw e;
  });
  if (loaded instanceof TopologyReadError) {
    err(`meshpeer: ${loaded.message}`);
    return 1;
  }
  if (!loaded.ok) {
    err(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    return 1;
  }
  const { topology } = loaded;
  const c = paint(colorEnabled(process.stderr));
  if (output === 'text') err(c.gray(`observing ${installCount(topology.clusters.map((i) => i.name))}…`));
  const { plan, observeMs } = await planTopology(
    topology,
    clusterConnections(topology, access.overrides, access.timeoutMs),
    {
      timeoutMs: access.timeoutMs,
      strict: flags.strict === true,
      onCluster: (cluster, ok, ms, error) => {
        // The reason is the one line that says what to check (which API server, which deadline).
        const why = error === undefined ? '' : `: ${error.replace(`${cluster}: `, '')}`;
        if (output === 'text')
          err(c.gray(`  ${cluster} ${ok ? 'observed' : c.red('unreachable')} in ${ms} ms${why}`));
      },
    },
  );
  if (output === 'json') out(renderJson(plan));
  else if (output === 'markdown') out(renderMarkdown(plan));
  else {
    err(c.gray(`observed in ${observeMs} ms\n`));
    out(renderText(plan, paint(colorEnabled())));
  }
  return planExitCode(plan);
}

/** Adds `plan` to the program. */
export function planCommand(): Command {
  const command = new Command('plan')
    .description('observe the clusters (read-only) and show what apply would change')
    .option('-f, --file <path>', 'the desired-state file', 'peerings.yaml')
    .addOption(new Option('-o, --output <format>', 'text, markdown or json').default('text'))
    .option(
      '--strict',
      "fail (exit 1) when an exported service is not registered in its partition's catalog",
    );
  return addClusterOptions(command)
    .addHelpText(
      'after',
      '\nExit codes (like terraform plan -detailed-exitcode):\n  0  no changes: only verification remains\n  1  error: invalid file or failed preconditions (the plan says what to fix)\n  2  changes to apply\n\nValidation errors exit 1 before any cluster is contacted.',
    )
    .action(async (flags: PlanFlags) => {
      process.exitCode = await runPlan(flags);
    });
}
