/**
 * The meshpeer command line: builds the commander program from one file per command and maps
 * every failure to an exit code (0 ok, 1 error, 2 "changes present" for plan-like commands).
 */
import { Command, CommanderError } from 'commander';
import { safeErrorMessage } from '../secrets/redact.ts';
import { registerCommands } from './commands.ts';

/** Builds the full program; exported so tests can inspect help and parse without a process. */
export function buildProgram(): Command {
  const program = new Command('meshpeer')
    .description(
      'GitOps reconciliation for HashiCorp Consul cluster peering across Kubernetes clusters.\n' +
        'Reads peerings.yaml, observes the clusters, plans, applies with BullMQ workers and verifies.',
    )
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI with the given argv and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    process.stderr.write(`meshpeer: ${safeErrorMessage(err)}\n`);
    return 1;
  }
}
