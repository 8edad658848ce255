/** `meshpeer token inspect [FILE|-]`: decodes a peering token and shows it with its secret redacted. */
import type { Command } from 'commander';

/** Adds `token inspect` to the program. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('Work with Consul peering tokens.');
  token
    .command('inspect')
    .description('Decode a peering token (file, or - for stdin) and print it with the secret redacted.')
    .argument('[file]', 'file holding the token, or - for stdin', '-')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (source: string, options: { output: string }) => {
      const { inspectTokenSource } = await import('./token-run.ts');
      await inspectTokenSource(source, options);
    });
}
