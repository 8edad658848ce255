/** `meshpeer worker`: runs BullMQ workers until SIGTERM or SIGINT, then finishes active jobs. */
import { Command } from 'commander';
import { CONTEXT_OPTION_HELP } from './cluster-options.ts';
import type { WorkerFlags } from './worker-run.ts';

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
      '--health-port <port>',
      'serve /healthz and /readyz (Redis) on this port for probes (default: MESHPEER_HEALTH_PORT; off)',
    )
    .option(
      '--lock-duration <ms>',
      "how long a job's lock lasts; a crashed worker's job is retried after about this long",
      '30000',
    )
    .addHelpText(
      'after',
      `
Run several workers on several machines against one Redis to share the work.
SIGTERM or SIGINT stops taking jobs and waits for the active ones (a second signal exits at once).

Environment (the same as serve's):
  REDIS_URL, MESHPEER_QUEUE_PREFIX   the queues (redis://, rediss://, redis-sentinel://, redis-cluster://)
  MESHPEER_REPO_URL, MESHPEER_BRANCH, MESHPEER_PATH, or MESHPEER_TARGETS_FILE
                                     the repositories runs may read peerings.yaml from
  MESHPEER_TOKEN, or MESHPEER_GITHUB_APP_ID, _INSTALLATION_ID, _PRIVATE_KEY(_FILE)
                                     Git credentials, sent to those repositories only
  MESHPEER_HEALTH_PORT               as --health-port`,
    )
    .action(async (flags: WorkerFlags) => {
      const { runWorker } = await import('./worker-run.ts');
      await runWorker(flags);
    });
}
