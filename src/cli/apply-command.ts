/**
 * `meshpeer apply`: reconcile the clusters to peerings.yaml. By default the run goes through Redis
 * and BullMQ workers (started here too, unless --no-local-worker) with live progress; --inline
 * runs the same executors in this process without Redis.
 */
import { Command, Option } from 'commander';
import type { ApplyFlags } from './apply-run.ts';
import { addClusterOptions } from './cluster-options.ts';

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
      const { runApply } = await import('./apply-run.ts');
      process.exitCode = await runApply(flags);
    });
}
