/**
 * `meshpeer apply`: reconcile the clusters to peerings.yaml. By default the run goes through Redis
 * and BullMQ workers (started here too, unless --no-local-worker) with live progress; --inline
 * runs the same executors in this process without Redis.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { clusterConnections } from '../app/cluster-connections.ts';
import { createStepContext } from '../app/step-context.ts';
import { createInlineDispatcher } from '../run/inline-dispatcher.ts';
import { reconcileRun } from '../run/reconcile-run.ts';
import { MemoryRunStore, type RunRecord } from '../run/run-record.ts';
import { formatDiagnostic, parseTopology, type Topology } from '../topology/index.ts';
import { applyThroughQueue } from './apply-queued.ts';
import { addClusterOptions, type ClusterOptions, clusterOptions } from './cluster-options.ts';
import { colorEnabled, err, out, outJson, paint, parseOutput } from './output.ts';
import { laneWidth, runSummary, stepLine } from './run-progress.ts';

interface ApplyFlags {
  file: string;
  output: string;
  inline?: boolean;
  wait: boolean;
  localWorker: boolean;
  redisUrl?: string;
  target?: string;
  kubeconfig?: string;
  context?: string[];
  timeout: string;
  strict?: boolean;
}

async function applyInline(
  topology: Topology,
  access: ClusterOptions,
  json: boolean,
  strict: boolean,
): Promise<RunRecord> {
  const c = paint(colorEnabled());
  const clients = clusterConnections(topology, access.overrides, access.timeoutMs);
  const ctx = createStepContext(topology.clusters, topology.acls, clients);
  return reconcileRun(
    {
      runId: `inline-${Date.now().toString(36)}`,
      target: topology.name,
      revision: 'working-tree',
      trigger: { kind: 'cli' },
      topology,
      strict,
    },
    {
      clients,
      dispatcher: createInlineDispatcher(ctx),
      store: new MemoryRunStore(),
      observeTimeoutMs: access.timeoutMs,
      onEvent: (e) => {
        if (json) return;
        if (e.type === 'plan')
          err(
            c.gray(
              `pass ${e.pass}: plan ${e.plan.hash}, ${e.plan.steps.filter((s) => s.kind !== 'verify').length} steps to run, ${e.plan.summary.verify} to verify`,
            ),
          );
        if (e.type === 'step') out(stepLine(e.result, c, laneWidth(topology)));
      },
    },
  );
}

async function runApply(flags: ApplyFlags): Promise<number> {
  const json = parseOutput(flags.output, ['text', 'json']) === 'json';
  const access = clusterOptions(flags);
  let content: string;
  try {
    content = await readFile(flags.file, 'utf8');
  } catch (e) {
    err(
      `meshpeer: cannot read ${flags.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
    return 1;
  }
  const parsed = parseTopology(content, flags.file);
  if (!parsed.ok) {
    err(parsed.diagnostics.map(formatDiagnostic).join('\n'));
    return 1;
  }
  const record = flags.inline
    ? await applyInline(parsed.topology, access, json, flags.strict === true)
    : await applyThroughQueue({
        topology: parsed.topology,
        strict: flags.strict === true,
        fileName: flags.file,
        content,
        access,
        json,
        wait: flags.wait,
        localWorker: flags.localWorker,
        target: flags.target ?? parsed.topology.name,
        redisUrl: flags.redisUrl ?? process.env.REDIS_URL,
      });
  if (record === undefined) return 0;
  if (json) outJson(record);
  else out(runSummary(record, paint(colorEnabled())));
  return record.status === 'succeeded' ? 0 : 1;
}

/** Adds `apply` to the program. */
export function applyCommand(): Command {
  const command = new Command('apply')
    .description('reconcile the clusters to peerings.yaml: runbook steps per cluster, then verification')
    .option('-f, --file <path>', 'the desired-state file', 'peerings.yaml')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .option('--inline', 'run the steps in this process, without Redis')
    .option('--no-wait', 'enqueue the run and return at once')
    .option('--no-local-worker', 'do not start workers in this process (others share the queue)')
    .option('--redis-url <url>', 'Redis for the queues and run history (default: REDIS_URL)')
    .option('--target <name>', 'the name runs are grouped and coalesced by (default: metadata.name)')
    .option('--strict', "fail the run when an exported service is not registered in its partition's catalog");
  return addClusterOptions(command)
    .addHelpText(
      'after',
      '\nExit codes: 0 converged and verified, 1 failed (the failing step and why are printed) or invalid file.\n\nExamples:\n  meshpeer apply -f peerings.yaml --inline\n  REDIS_URL=redis://localhost:6379 meshpeer apply -f peerings.yaml',
    )
    .action(async (flags: ApplyFlags) => {
      process.exitCode = await runApply(flags);
    });
}
