/** `meshpeer validate`: checks peerings.yaml without contacting any cluster. */
import { Command, Option } from 'commander';
import { parseOutput } from './output.ts';

/** Adds `validate` to the program. */
export function validateCommand(): Command {
  return new Command('validate')
    .description('check peerings.yaml (syntax, schema, references, rules) without contacting any cluster')
    .option('-f, --file <path>', 'the desired-state file', 'peerings.yaml')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 1 invalid or unreadable.\nErrors are printed as FILE:LINE:COL: MESSAGE, all at once, sorted by position.\n\nExample:\n  meshpeer validate -f desired-state-examples/runbook/peerings.yaml',
    )
    .action(async (opts: { file: string; output: string }) => {
      const output = parseOutput(opts.output, ['text', 'json']) as 'text' | 'json';
      const { runValidate } = await import('./validate-run.ts');
      process.exitCode = await runValidate(opts.file, output);
    });
}
