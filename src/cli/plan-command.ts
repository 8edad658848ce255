/** `meshpeer plan`: what apply would do, like `terraform plan -detailed-exitcode`. */
import { Command, Option } from 'commander';
import { addClusterOptions } from './cluster-options.ts';
import type { PlanFlags } from './plan-run.ts';

/** Adds `plan` to the program. */
export function planCommand(): Command {
  const command = new Command('plan')
    .description('observe the clusters (read-only) and show what apply would change')
    .option('-f, --file <path>', 'the desired-state file', 'peerings.yaml')
    .addOption(new Option('-o, --output <format>', 'text, markdown or json').default('text'))
    .option(
      '--strict',
      "fail (exit 1) when an exported service is not registered in its partition's catalog",
    );
  return addClusterOptions(command)
    .addHelpText(
      'after',
      '\nExit codes (like terraform plan -detailed-exitcode):\n  0  no changes: only verification remains\n  1  error: invalid file or failed preconditions (the plan says what to fix)\n  2  changes to apply\n\nValidation errors exit 1 before any cluster is contacted.',
    )
    .action(async (flags: PlanFlags) => {
      const { runPlan } = await import('./plan-run.ts');
      process.exitCode = await runPlan(flags);
    });
}
