/** The registry of meshpeer subcommands: one file per command, added here in help order. */
import type { Command } from 'commander';
import { applyCommand } from './apply-command.ts';
import { demoCommand } from './demo-command.ts';
import { registerPeeringCommand } from './peering-command.ts';
import { planCommand } from './plan-command.ts';
import { registerSandboxCommand } from './sandbox-command.ts';
import { schemaCommand } from './schema-command.ts';
import { serveCommand } from './serve-command.ts';
import { statusCommand } from './status-command.ts';
import { syncCommand } from './sync-command.ts';
import { registerTokenCommand } from './token-command.ts';
import { validateCommand } from './validate-command.ts';
import { workerCommand } from './worker-command.ts';

/** Adds every subcommand to the program. */
export function registerCommands(program: Command): void {
  program.addCommand(validateCommand());
  program.addCommand(schemaCommand());
  program.addCommand(planCommand());
  program.addCommand(applyCommand());
  program.addCommand(statusCommand());
  program.addCommand(syncCommand());
  program.addCommand(workerCommand());
  program.addCommand(serveCommand());
  program.addCommand(demoCommand());
  registerTokenCommand(program);
  registerPeeringCommand(program);
  registerSandboxCommand(program);
}
