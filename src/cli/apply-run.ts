/** The work of `meshpeer apply`, loaded only when it runs: reconcile inline or through the queues. */
import { readFile } from 'node:fs/promises';
import { kubeClusterAccess } from '../app/cluster-access.ts';
import { createInlineDispatcher } from '../run/inline-dispatcher.ts';
import { reconcileRun } from '../run/reconcile-run.ts';
import { MemoryRunStore, type RunRecord } from '../run/run-record.ts';
import { formatDiagnostic, parseTopology, type Topology } from '../topology/index.ts';
import { applyThroughQueue } from './apply-queued.ts';
import type { ClusterOptions } from './cluster-options.ts';
import { colorEnabled, err, out, outJson, paint, parseOutput } from './output.ts';
import { readClusterOptions } from './read-cluster-options.ts';
import { laneWidth, runSummary, stepLine } from './run-progress.ts';

/** The parsed flags of `meshpeer apply`. */
export interface ApplyFlags {
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
  const kube = kubeClusterAccess(access);
  const clients = kube.clients(topology.clusters);
  const ctx = kube.stepContext(topology.clusters, topology.acls);
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

/** Reads the file and runs the reconciliation inline or through the queue; resolves to the exit code. */
export async function runApply(flags: ApplyFlags): Promise<number> {
  const json = parseOutput(flags.output, ['text', 'json']) === 'json';
  const access = readClusterOptions(flags);
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
