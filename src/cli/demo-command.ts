/**
 * `meshpeer demo`: a guided tour on this machine. It validates and explains every example in
 * desired-state-examples, shows how broken files are reported, then starts Redis (unless REDIS_URL
 * is set) and a sandbox matching the runbook example, walks Consul's peering runbook through the
 * sandbox's Kubernetes API and shows the peering going ACTIVE on both sides.
 */
import { Command } from 'commander';

/** Adds `demo` to the program. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('a guided tour: the examples, then plan, apply and verify the runbook on a sandbox')
    .option('--examples <dir>', 'folder holding the examples', 'desired-state-examples')
    .option('--no-sandbox', 'only validate and explain the examples')
    .action(async (opts: { examples: string; sandbox: boolean }) => {
      const { runDemo } = await import('./demo-run.ts');
      process.exitCode = await runDemo(opts.examples, { sandbox: opts.sandbox });
    });
}
