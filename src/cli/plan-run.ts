/** The work of `meshpeer plan`, loaded only when it runs: observe every cluster and print the plan. */
import { kubeClusterAccess } from '../app/cluster-access.ts';
import { type Plan, renderJson, renderMarkdown, renderText } from '../plan/index.ts';
import { planTopology } from '../run/plan-topology.ts';
import { formatDiagnostic, installCount, loadTopologyFile, TopologyReadError } from '../topology/index.ts';
import { colorEnabled, err, out, paint, parseOutput } from './output.ts';
import { readClusterOptions } from './read-cluster-options.ts';

/** 0: nothing but verification; 2: changes; 1: errors (invalid file, failed preconditions). */
export function planExitCode(plan: Plan): number {
  if (plan.errors.length > 0) return 1;
  return plan.converged ? 0 : 2;
}

/** The parsed flags of `meshpeer plan`. */
export interface PlanFlags {
  file: string;
  output: string;
  kubeconfig?: string;
  context?: string[];
  timeout: string;
  strict?: boolean;
}

/** Observes the clusters and prints the plan; resolves to the exit code. */
export async function runPlan(flags: PlanFlags): Promise<number> {
  const output = parseOutput(flags.output, ['text', 'markdown', 'json']);
  const access = readClusterOptions(flags);
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
    kubeClusterAccess(access).clients(topology.clusters),
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
