/**
 * `meshpeer status`: each peering's live health (the latest periodic check or run, with its age
 * and a fix), the periodic check and retry state, and the last runs with what a running one waits
 * on. Reads a running serve (`--server`) or the Redis it writes; `--watch` keeps it on screen.
 */

import { Command, Option } from 'commander';
import type { StatusFlags } from './status-run.ts';

/**
 * QUEUE_PREFIX of run/queues.ts, which loads BullMQ: repeated so that `--help` does not load it
 * (test/cli/command-modules.test.ts checks that the two agree).
 */
export const DEFAULT_QUEUE_PREFIX = 'meshpeer';

/** Adds `status` to the program. */
export function statusCommand(): Command {
  return new Command('status')
    .description('show live peering health, the periodic check and the last runs')
    .option('--server <url>', 'read a running meshpeer serve (default: MESHPEER_SERVER) instead of Redis')
    .option('--target <name>', 'with --server: which target, when serve follows several (default: the first)')
    .option('--redis-url <url>', 'Redis that serve and the workers write (default: REDIS_URL)')
    .option('--queue-prefix <prefix>', 'Redis key prefix serve runs with', DEFAULT_QUEUE_PREFIX)
    .option('--limit <n>', 'how many runs to show', '10')
    .option('-w, --watch', 'keep showing the status, redrawn as it changes, until Ctrl-C')
    .option('--interval <duration>', 'with --watch: how often to read', '2s')
    .addOption(
      new Option('-o, --output <format>', 'text or json (with --watch: one JSON line per change)').default(
        'text',
      ),
    )
    .addHelpText(
      'after',
      `
Health is the latest observation of each peering, by the periodic check of meshpeer serve or by a
run's verification, with its age: healthy, stale (ACTIVE but no heartbeat within Consul's
timeout, or imports behind), failing, missing (deleted in Consul) or unknown (not observable).

With --server, credentials come from MESHPEER_UI_TOKEN (or MESHPEER_UI_USERNAME and
MESHPEER_UI_PASSWORD), as for meshpeer sync.

Exit codes: 0 shown; 1 when Redis or serve cannot be read (one line says why).`,
    )
    .action(async (flags: StatusFlags) => {
      const { runStatus } = await import('./status-run.ts');
      await runStatus(flags);
    });
}
