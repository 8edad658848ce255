/**
 * Starts meshpeer's BullMQ workers in this process: the step worker (executors) and the run
 * worker (orchestrators). Several processes on several machines sharing one Redis share the work;
 * a killed worker's job is taken up again by another once its lock expires.
 */
import type { EventEmitter } from 'node:events';
import { type Job, Worker } from 'bullmq';
import { connectCluster } from '../app/cluster-connections.ts';
import { createStepContext } from '../app/step-context.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import type { KubeconfigOverrides } from '../kube/kube-config.ts';
import { redact } from '../secrets/redact.ts';
import { execute } from '../steps/executors.ts';
import type { StepOutcome } from '../steps/step-outcome.ts';
import { settleError, settleOutcome } from './job-outcome.ts';
import { openQueues, QUEUE_PREFIX, type Queues, RUNS_QUEUE, STEPS_QUEUE } from './queues.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { processRunJob, type SourceLoader } from './run-job.ts';
import type { StepJobData } from './step-job.ts';

/** Worker settings. */
export interface WorkerOptions {
  readonly redisUrl: string;
  readonly overrides?: KubeconfigOverrides;
  readonly stepConcurrency?: number;
  readonly runConcurrency?: number;
  readonly policy?: RetryPolicy;
  /** How long a job's lock lasts; a crashed worker's job is retried after about this long. */
  readonly lockDurationMs?: number;
  readonly loadSource?: SourceLoader;
  readonly runs?: boolean;
  /** Key prefix of the queues (default `meshpeer`). */
  readonly prefix?: string;
  /** Queues this process already opened on the same Redis and prefix, to share instead of opening again. */
  readonly queues?: Queues;
  /** Where connection errors are reported (default: one redacted line on stderr). */
  readonly onError?: (line: string) => void;
}

/** Running workers. */
export interface RunningWorkers {
  /** Stops taking jobs and waits for active ones to finish. */
  close(): Promise<void>;
}

/** Starts the step worker and (unless disabled) the run worker. */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const lockDuration = options.lockDurationMs ?? 30_000;
  const common = {
    connection,
    prefix: options.prefix ?? QUEUE_PREFIX,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
  };
  const clients = new Map<string, ClusterClient>();
  const stepWorker = new Worker(
    STEPS_QUEUE,
    async (job: Job, token?: string) => {
      const data = job.data as StepJobData;
      const client = (name: string) => {
        const spec = data.clusters.find((c) => c.name === name);
        if (spec === undefined) throw new TypeError(`cluster ${name} is not in the step's job data`);
        const key = `${name}@${spec.context}`;
        const found = clients.get(key) ?? connectCluster(spec, options.overrides ?? {});
        clients.set(key, found);
        return found;
      };
      let outcome: StepOutcome;
      try {
        outcome = await execute(data.step, createStepContext(data.clusters, data.acls, client));
      } catch (err) {
        settleError(err);
      }
      return settleOutcome(job, token, outcome, data.deadline, Date.now());
    },
    { ...common, concurrency: options.stepConcurrency ?? 16, maxStalledCount: 3 },
  );
  const queues =
    options.runs === false
      ? undefined
      : (options.queues ?? (await openQueues(options.redisUrl, options.prefix ?? QUEUE_PREFIX)));
  const runWorker =
    queues === undefined
      ? undefined
      : new Worker(
          RUNS_QUEUE,
          (job: Job) =>
            processRunJob(job, {
              queues,
              policy: options.policy ?? defaultRetryPolicy,
              overrides: options.overrides ?? {},
              ...(options.loadSource && { loadSource: options.loadSource }),
            }),
          {
            ...common,
            concurrency: options.runConcurrency ?? 4,
            // A run resumes after each crash, so a few crashes during one run must not fail it.
            maxStalledCount: 10,
          },
        );
  // Redis going away is expected (restarts, failovers): BullMQ reconnects by itself, so report one
  // line per failure instead of letting an unhandled 'error' event print a stack trace.
  const report = options.onError ?? ((line: string) => process.stderr.write(`${redact(line)}\n`));
  const emitters: Array<[string, EventEmitter | undefined]> = [
    ['step worker', stepWorker],
    ['run worker', runWorker],
    ['queue events', queues?.stepEvents],
    ['runs queue', queues?.runs],
    ['steps queue', queues?.steps],
    ['redis client', queues?.redis],
  ];
  for (const [name, emitter] of emitters) {
    emitter?.on('error', (err: Error) => report(`meshpeer ${name}: ${err.message} (retrying)`));
  }
  await Promise.all([stepWorker.waitUntilReady(), runWorker?.waitUntilReady()]);
  return {
    async close() {
      await Promise.all([runWorker?.close(), stepWorker.close()]);
      // Queues the caller passed in are the caller's to close.
      if (options.queues === undefined) await queues?.close();
    },
  };
}
