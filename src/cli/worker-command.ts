/** `meshpeer worker`: runs BullMQ workers until SIGTERM or SIGINT, then finishes active jobs. */
import { Command } from 'commander';
import { workerGitSourcesFromEnv } from '../app/serve-config.ts';
import { createServiceLogger } from '../app/service-logger.ts';
import { createGitSources } from '../gitops/git-source-loader.ts';
import { requireRedisUrl } from '../io/redis-url.ts';
import { CONTEXT_OPTION_HELP } from '../kube/kube-config.ts';
import { startWorkers } from '../run/start-workers.ts';
import { clusterOptions } from './cluster-options.ts';

interface WorkerFlags {
  redisUrl?: string;
  concurrency: string;
  runs: boolean;
  kubeconfig?: string;
  context?: string[];
  lockDuration: string;
}

/** Adds `worker` to the program. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run step and run workers on the shared Redis queues until stopped')
    .option('--redis-url <url>', 'Redis of the queues (default: REDIS_URL)')
    .option('--concurrency <n>', 'steps executed at once by this process', '16')
    .option('--no-runs', 'execute steps only, leave orchestration to other workers')
    .option('--kubeconfig <path>', 'kubeconfig for clusters that do not name their own')
    .option('--context <cluster=context...>', CONTEXT_OPTION_HELP)
    .option(
      '--lock-duration <ms>',
      "how long a job's lock lasts; a crashed worker's job is retried after about this long",
      '30000',
    )
    .addHelpText(
      'after',
      '\nRun several workers on several machines against one Redis to share the work.\nSIGTERM or SIGINT stops taking jobs and waits for the active ones (a second signal exits at once).',
    )
    .action(async (flags: WorkerFlags) => {
      // Empty counts as unset; startWorkers checks that Redis answers before it creates a worker.
      const redisUrl = requireRedisUrl(flags.redisUrl, 'worker needs Redis');
      const access = clusterOptions({ ...flags, timeout: '20s' });
      // Beside `meshpeer serve --no-workers`: the same environment names the repository and token.
      const git = workerGitSourcesFromEnv(process.env);
      // JSON lines like serve's: run.start and run.end per run, and the worker's own messages.
      const logger = createServiceLogger('worker');
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
      });
      logger.info(`processing jobs (pid ${process.pid}); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info(`${signal}: finishing active jobs…`);
          process.once(signal, () => process.exit(130));
          void workers.close().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      logger.info('stopped');
    });
}
