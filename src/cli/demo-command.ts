/**
 * `meshpeer demo`: a guided tour on this machine. For now it validates and explains every example
 * in desired-state-examples and shows how broken files are reported; later it runs the sandbox.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { explainTopology, formatDiagnostic, loadTopologyFile } from '../topology/index.ts';
import { colorEnabled, out, paint } from './output.ts';

async function exampleDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'invalid')
    .map((e) => e.name)
    .sort();
}

/** Walks the examples and returns the exit code (1 if any example is unexpectedly invalid). */
export async function runDemo(root: string): Promise<number> {
  const c = paint(colorEnabled());
  let failures = 0;
  for (const name of await exampleDirs(root)) {
    const file = join(root, name, 'peerings.yaml');
    const result = await loadTopologyFile(file);
    out(`\n${c.bold(`== ${name}`)} ${c.gray(file)}`);
    if (!result.ok) {
      failures++;
      out(result.diagnostics.map(formatDiagnostic).join('\n'));
      continue;
    }
    out([c.green('valid'), ...explainTopology(result.topology).map((l) => `  ${l}`)].join('\n'));
  }
  const broken = join(root, 'invalid', '56-many-problems-at-once.yaml');
  const result = await loadTopologyFile(broken);
  out(
    `\n${c.bold('== a broken file')} ${c.gray(broken)}\n${c.yellow('every problem at once, as file:line:col: message')}`,
  );
  if (!result.ok) out(result.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n'));
  out(
    `\n${failures === 0 ? c.green('all examples are valid') : c.red(`${failures} example(s) are invalid`)}. Next: npx meshpeer validate -f <file>, npx meshpeer schema`,
  );
  return failures === 0 ? 0 : 1;
}

/** Adds `demo` to the program. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('a guided tour: validate and explain the desired-state examples')
    .option('--examples <dir>', 'folder holding the examples', 'desired-state-examples')
    .action(async (opts: { examples: string }) => {
      process.exitCode = await runDemo(opts.examples);
    });
}
