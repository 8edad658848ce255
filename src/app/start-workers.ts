/**
 * Starts meshpeer's BullMQ workers in this process, wired here: the step worker and the run worker
 * (workers/) get their queues, cluster access and log sinks from this composition root. Several
 * processes on several machines sharing one Redis share the work; a killed worker's job is taken up
 * again by another once its lock expires.
 */
import type { Worker } from 'bullmq';
import { startRunWorker } from '../../workers/run-worker.ts';
import { startStepWorker } from '../../workers/step-worker.ts';
import { checkRedis } from '../io/redis-check.ts';
import {
  bullConnection,
  quietRedisErrors,
  type RedisRole,
  redisClient,
  releaseBullConnection,
  watchRedisHealth,
} from '../io/redis-connection.ts';
import { keyPrefixFor, type RedisClient } from '../io/redis-endpoint.ts';
import { displayRedisUrl } from '../io/redis-url.ts';
import type { LogEvent } from '../io/service-logger.ts';
import type { KubeconfigOverrides } from '../kube/kube-config.ts';
import type { ClusterAccess } from '../run/cluster-access.ts';
import { openQueues, QUEUE_PREFIX, type Queues } from '../run/queues.ts';
import { defaultRetryPolicy, type RetryPolicy } from '../run/retry-policy.ts';
import type { SourceLoader } from '../run/run-job.ts';
import { workerSettings } from '../run/worker-settings.ts';
import { redact } from '../secrets/redact.ts';
import { kubeClusterAccess } from './cluster-access.ts';

/** Worker settings. */
export interface WorkerOptions {
  readonly redisUrl: string;
  /** How the workers reach clusters (default: kubeconfig with `overrides`). */
  readonly access?: ClusterAccess;
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
function watchedClient(options: WorkerOptions): RedisClient {
  const client = redisClient(options.redisUrl, 'service');
  watchRedisHealth(
    client,
    displayRedisUrl(options.redisUrl),
    options.onError ?? ((line) => process.stderr.write(`meshpeer: ${redact(line)}\n`)),
  );
  return client;
}

/** The run queues the run worker hands steps to: the caller's, or opened here (none without runs). */
async function runQueues(options: WorkerOptions): Promise<Queues | undefined> {
  if (options.runs === false) return undefined;
  if (options.queues !== undefined) return options.queues;
  return openQueues(options.redisUrl, options.prefix ?? QUEUE_PREFIX, {
    ...(options.role !== undefined && { role: options.role }),
    ...(options.onError !== undefined && { log: options.onError }),
  });
}

/** Starts the step worker and (unless disabled) the run worker. */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  // Queues passed in were opened, and so checked, on this Redis already.
  if (options.queues === undefined) await checkRedis(options.redisUrl);
  const role = options.role ?? 'service';
  const connection = bullConnection(options.redisUrl, role);
  const settings = workerSettings(
    connection,
    keyPrefixFor(options.redisUrl, options.prefix ?? QUEUE_PREFIX),
    options.lockDurationMs ?? 30_000,
  );
  // Redis going away is expected (restarts, failovers): the connections reconnect by themselves
  // and one watcher says once that Redis went away and once that it is back, so only other errors
  // are reported here, one line each, instead of an unhandled 'error' event's stack trace.
  const sink = options.onError ?? ((line: string) => process.stderr.write(`${redact(line)}\n`));
  const report = (name: string, err: Error) => sink(`meshpeer ${name}: ${err.message.split('\n')[0]}`);
  const access =
    options.access ?? kubeClusterAccess({ ...(options.overrides && { overrides: options.overrides }) });
  const stepWorker = startStepWorker(settings, access, options.stepConcurrency ?? 16);
  quietRedisErrors([stepWorker], (err) => report('step worker', err));
  const queues = await runQueues(options);
  let runWorker: Worker | undefined;
  if (queues !== undefined) {
    runWorker = startRunWorker(
      settings,
      {
        queues,
        access,
        policy: options.policy ?? defaultRetryPolicy,
        ...(options.loadSource && { loadSource: options.loadSource }),
        ...(options.events !== undefined && { events: options.events }),
      },
      options.runConcurrency ?? 4,
    );
    quietRedisErrors([runWorker], (err) => report('run worker', err));
  }
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
      releaseBullConnection(connection);
      monitor?.disconnect();
    },
  };
}
