/** The registry of meshpeer subcommands: one file per command, added here in help order. */
import type { Command } from 'commander';
import { registerTokenCommand } from './token-command.ts';

/** Adds every subcommand to the program. */
export function registerCommands(program: Command): void {
  registerTokenCommand(program);
}
