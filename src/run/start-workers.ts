/**
 * Starts meshpeer's BullMQ workers in this process: the step worker (executors) and the run
 * worker (orchestrators). Several processes on several machines sharing one Redis share the work;
 * a killed worker's job is taken up again by another once its lock expires.
 */
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkRedis } from '../io/redis-check.ts';
import {
  bullConnection,
  quietRedisErrors,
  type RedisRole,
  redisClient,
  watchRedisHealth,
} from '../io/redis-connection.ts';
import { displayRedisUrl } from '../io/redis-url.ts';
import type { LogEvent } from '../io/service-logger.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import { connectCluster } from '../kube/cluster-connections.ts';
import type { KubeconfigOverrides } from '../kube/kube-config.ts';
import { redact } from '../secrets/redact.ts';
import { createStepContext } from '../steps/create-step-context.ts';
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
  /** Where errors other than Redis being away are reported (default: one redacted line on stderr). */
  readonly onError?: (line: string) => void;
  /** `command` (apply): connections give up after a few reconnects; `service` (default): they never do. */
  readonly role?: RedisRole;
  /** Structured log sink of the run worker: `run.start` and `run.end` per run it runs. */
  readonly events?: LogEvent;
}

/** Running workers. */
export interface RunningWorkers {
  /** Stops taking jobs and waits for active ones to finish; `force` does not wait (Redis is gone). */
  close(force?: boolean): Promise<void>;
}

/** A client that only watches Redis, for a step-only worker that opens no queues. */
function watchedClient(options: WorkerOptions): Redis {
  const client = redisClient(options.redisUrl, 'service');
  watchRedisHealth(
    client,
    displayRedisUrl(options.redisUrl),
    options.onError ?? ((line) => process.stderr.write(`meshpeer: ${redact(line)}\n`)),
  );
  return client;
}

/** Starts the step worker and (unless disabled) the run worker. */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  // Queues passed in were opened, and so checked, on this Redis already.
  if (options.queues === undefined) await checkRedis(options.redisUrl);
  const role = options.role ?? 'service';
  const connection = bullConnection(options.redisUrl, role);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const common = {
    connection,
    prefix: options.prefix ?? QUEUE_PREFIX,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
  };
  // Redis going away is expected (restarts, failovers): the connections reconnect by themselves
  // and one watcher says once that Redis went away and once that it is back, so only other errors
  // are reported here, one line each, instead of an unhandled 'error' event's stack trace.
  const sink = options.onError ?? ((line: string) => process.stderr.write(`${redact(line)}\n`));
  const report = (name: string, err: Error) => sink(`meshpeer ${name}: ${err.message.split('\n')[0]}`);
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
  quietRedisErrors([stepWorker], (err) => report('step worker', err));
  const queues =
    options.runs === false
      ? undefined
      : (options.queues ??
        (await openQueues(options.redisUrl, options.prefix ?? QUEUE_PREFIX, {
          ...(options.role !== undefined && { role: options.role }),
          ...(options.onError !== undefined && { log: options.onError }),
        })));
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
              ...(options.events !== undefined && { events: options.events }),
            }),
          {
            ...common,
            concurrency: options.runConcurrency ?? 4,
            // A run resumes after each crash, so a few crashes during one run must not fail it.
            maxStalledCount: 10,
          },
        );
  if (runWorker !== undefined) quietRedisErrors([runWorker], (err) => report('run worker', err));
  const monitor = queues === undefined && role === 'service' ? watchedClient(options) : undefined;
  await Promise.all([stepWorker.waitUntilReady(), runWorker?.waitUntilReady()]);
  return {
    async close(force = false) {
      // The run worker first: its active run waits on step jobs, which this step worker may be
      // the only one to take, so closing both at once leaves that run waiting until its deadline.
      await runWorker?.close(force);
      await stepWorker.close(force);
      // Queues the caller passed in are the caller's to close.
      if (options.queues === undefined) await queues?.close();
      monitor?.disconnect();
    },
  };
}
