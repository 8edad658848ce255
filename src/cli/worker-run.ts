/** The work of `meshpeer worker`, loaded only when it runs: BullMQ workers until a signal. */

import { startWorkers } from '../app/start-workers.ts';
import { workerGitSourcesFromEnv } from '../app/worker-git-env.ts';
import { createGitSources } from '../gitops/git-source-loader.ts';
import { redisClient } from '../io/redis-connection.ts';
import { requireRedisUrl } from '../io/redis-url.ts';
import { createServiceLogger } from '../io/service-logger.ts';
import { createHealthServer } from '../server/health-server.ts';
import { listenOn } from '../server/listen.ts';
import { checkReadiness } from '../server/readiness.ts';
import { readClusterOptions } from './read-cluster-options.ts';
import { type StopSignal, stopSignal } from './stop-signal.ts';

/** The parsed flags of `meshpeer worker`. */
export interface WorkerFlags {
  redisUrl?: string;
  concurrency: string;
  runs: boolean;
  kubeconfig?: string;
  context?: string[];
  lockDuration: string;
  healthPort?: string;
}

/** The probe port from the flag or MESHPEER_HEALTH_PORT; undefined when off. */
function healthPortOf(flag: string | undefined): number | undefined {
  const text = flag ?? process.env.MESHPEER_HEALTH_PORT;
  if (text === undefined || text.trim() === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--health-port (MESHPEER_HEALTH_PORT) must be a port number, got "${text}"`);
  return port;
}

/** Starts the probe port: Redis answering within the deadline makes the worker ready. */
async function startHealth(port: number, redisUrl: string, log: (line: string) => void) {
  const redis = redisClient(redisUrl, 'service');
  const app = await createHealthServer(() => checkReadiness({ redis: () => redis.ping() }, 2000));
  let address: string;
  try {
    address = await listenOn(
      app,
      process.env.MESHPEER_HOST ?? '0.0.0.0',
      port,
      '--health-port (MESHPEER_HEALTH_PORT)',
    );
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  log(`probes on ${address}/healthz and /readyz`);
  return {
    async close() {
      await app.close();
      redis.disconnect();
    },
  };
}

/** Runs the workers until SIGTERM or SIGINT, then lets the active jobs finish. */
export async function runWorker(flags: WorkerFlags): Promise<void> {
  // JSON lines like serve's: run.start and run.end per run, and the worker's own messages.
  const logger = createServiceLogger('worker');
  const stop = stopSignal((signal) => logger.info(`${signal}: finishing active jobs…`));
  let started: Awaited<ReturnType<typeof startAll>>;
  try {
    started = await startAll(flags, logger, stop);
  } catch (err) {
    stop.dispose();
    throw err;
  }
  if (started.workers !== undefined) logger.info(`processing jobs (pid ${process.pid}); Ctrl-C to stop`);
  await stop.stopped;
  try {
    await started.workers?.close();
  } finally {
    await started.health?.close();
  }
  logger.info('stopped');
}

/** The probe port, then the workers, unless a stop signal came while the port was being opened. */
async function startAll(
  flags: WorkerFlags,
  logger: ReturnType<typeof createServiceLogger>,
  stop: StopSignal,
): Promise<{ health?: { close(): Promise<void> }; workers?: { close(): Promise<void> } }> {
  // Empty counts as unset; startWorkers checks that Redis answers before it creates a worker.
  const redisUrl = requireRedisUrl(flags.redisUrl, 'worker needs Redis');
  const healthPort = healthPortOf(flags.healthPort);
  const access = readClusterOptions({ ...flags, timeout: '20s' });
  // Beside `meshpeer serve --no-workers`: the same environment names the repository and token.
  const git = workerGitSourcesFromEnv(process.env);
  // The probe port first: one that cannot be had ends start-up before any job is taken.
  const health = healthPort === undefined ? undefined : await startHealth(healthPort, redisUrl, logger.info);
  // A pod told to stop while starting must not take jobs its grace period would cut off.
  if (stop.received()) return { ...(health && { health }) };
  const workers = await startWorkers({
    ...(git !== undefined && { loadSource: createGitSources(git).load }),
    ...(process.env.MESHPEER_QUEUE_PREFIX && { prefix: process.env.MESHPEER_QUEUE_PREFIX }),
    redisUrl,
    overrides: access.overrides,
    stepConcurrency: Number(flags.concurrency),
    runs: flags.runs,
    lockDurationMs: Number(flags.lockDuration),
    events: logger.event,
    onError: logger.warn,
  }).catch(async (err: unknown) => {
    // An open probe port would keep the process alive after the one-line error.
    await health?.close();
    throw err;
  });
  return { ...(health && { health }), workers };
}
