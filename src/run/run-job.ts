/**
 * The run worker's processor: take the target's latest request, load its desired state, and run
 * the orchestrator with a BullMQ dispatcher. An invalid file ends the run before any cluster is
 * touched, with the positioned errors in the record.
 */
import type { Job } from 'bullmq';
import { emitLog as emit, type LogEvent } from '../io/service-logger.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { formatDiagnostic, parseTopology, type Topology } from '../topology/index.ts';
import { createBullmqDispatcher } from './bullmq-dispatcher.ts';
import type { ClusterAccess } from './cluster-access.ts';
import type { Queues } from './queues.ts';
import { reconcileRun } from './reconcile-run.ts';
import { RedisRunStore } from './redis-run-store.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { runEndLog, runInterruptedLog, runStartLog } from './run-log-fields.ts';
import type { RunRecord } from './run-record.ts';
import { type DesiredSource, latestRequest, type RunRequest } from './run-requests.ts';

/** Reads the desired-state text of a source (inline sources need no loader). */
export type SourceLoader = (source: DesiredSource) => Promise<{ fileName: string; content: string }>;

/** What the run processor needs. */
export interface RunJobDeps {
  readonly queues: Queues;
  readonly policy: RetryPolicy;
  readonly access: ClusterAccess;
  readonly loadSource?: SourceLoader;
  /** Structured log sink: one `run.start` and one `run.end` line per run this worker runs. */
  readonly events?: LogEvent;
}

async function load(
  source: DesiredSource,
  loader?: SourceLoader,
): Promise<{ fileName: string; content: string }> {
  if (source.kind === 'inline') return { fileName: source.fileName, content: source.content };
  if (loader === undefined) throw new Error(`no loader for ${source.kind} sources in this worker`);
  return loader(source);
}

/** Records a run that ended before touching any cluster (unreadable or invalid desired state). */
async function saveFailure(
  store: RedisRunStore,
  request: RunRequest,
  failure: string,
  retryable = true,
): Promise<RunRecord> {
  const now = new Date().toISOString();
  const record: RunRecord = {
    id: request.runId,
    target: request.target,
    revision: request.revision,
    trigger: request.trigger,
    status: 'failed',
    startedAt: now,
    finishedAt: now,
    passes: 0,
    steps: [],
    failure,
    ...(!retryable && { retryable: false as const }),
  };
  await store.save(record);
  return record;
}

/**
 * Only one run per target is ever active, so another `running` record of the target was left by a
 * crashed worker and replaced by a newer request: close it, so no record stays incomplete.
 * Returns the closed records (their `run.end` line was never written by the crashed worker).
 */
async function closeInterruptedRuns(
  store: RedisRunStore,
  target: string,
  current: string,
): Promise<RunRecord[]> {
  const closed: RunRecord[] = [];
  for (const record of await store.list(50)) {
    if (record.target !== target || record.status !== 'running' || record.id === current) continue;
    const done: RunRecord = {
      ...record,
      status: 'superseded',
      finishedAt: new Date().toISOString(),
      failure: `interrupted by a worker crash; superseded by ${current}`,
    };
    await store.save(done);
    closed.push(done);
  }
  return closed;
}

/**
 * Processes one run job; returns the run record (also stored in Redis). Logs the run's start (or
 * its resumption after a crashed worker) and its end; a throw (Redis away) is logged as
 * `run.interrupted`, and BullMQ gives the job, and so the run, to a worker again.
 */
export async function processRunJob(job: Job, deps: RunJobDeps): Promise<RunRecord | undefined> {
  const target = (job.data as { target: string }).target;
  const request = await latestRequest(deps.queues.redis, target, deps.queues.prefix);
  if (request === undefined) return undefined;
  const store = new RedisRunStore(deps.queues.redis, deps.queues.prefix);
  for (const closed of await closeInterruptedRuns(store, target, request.runId))
    emit(deps.events, runEndLog(closed));
  const resumed = deps.events !== undefined && (await store.get(request.runId))?.status === 'running';
  emit(deps.events, runStartLog(request, resumed));
  try {
    const record = await runRequest(request, store, deps);
    emit(deps.events, runEndLog(record));
    return record;
  } catch (err) {
    emit(deps.events, runInterruptedLog(request, err));
    throw err;
  }
}

/** Loads and parses the request's desired state and runs it. */
async function runRequest(request: RunRequest, store: RedisRunStore, deps: RunJobDeps): Promise<RunRecord> {
  const target = request.target;
  const failedBeforeStart = (failure: string, retryable = true) =>
    saveFailure(store, request, failure, retryable);
  let file: { fileName: string; content: string };
  try {
    file = await load(request.source, deps.loadSource);
  } catch (err) {
    // Recorded like an invalid file, so the history and the commit status say why nothing ran.
    return failedBeforeStart(`cannot read the desired state, nothing was changed: ${safeErrorMessage(err)}`);
  }
  const parsed = parseTopology(file.content, file.fileName);
  if (!parsed.ok)
    return failedBeforeStart(
      `invalid desired state, nothing was changed:\n${parsed.diagnostics.map(formatDiagnostic).join('\n')}`,
      false,
    );
  const topology: Topology = parsed.topology;
  return reconcileRun(
    {
      runId: request.runId,
      target,
      revision: request.revision,
      trigger: request.trigger,
      topology,
      strict: request.strict === true,
    },
    {
      clients: deps.access.clients(topology.clusters),
      dispatcher: createBullmqDispatcher(deps.queues, topology, deps.policy),
      store,
      superseded: async () =>
        (await latestRequest(deps.queues.redis, target, deps.queues.prefix))?.runId !== request.runId,
    },
  );
}
