/** The work of `meshpeer demo`, loaded only when it runs: the examples tour, then the sandbox act. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { explainTopology, formatDiagnostic, loadTopologyFile } from '../topology/index.ts';
import { colorEnabled, out, type Paint, paint } from './output.ts';

async function exampleDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'invalid')
    .map((e) => e.name)
    .sort();
}

/** Validates and explains the examples; returns how many were unexpectedly invalid. */
async function tourExamples(root: string, c: Paint): Promise<number> {
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
    const [first = '', ...rest] = explainTopology(result.topology).filter((l) => !l.startsWith('cluster '));
    out(
      `${c.green('valid')}  ${first}${rest.length > 0 ? c.gray(`\n  … ${rest.length} more line(s): meshpeer validate -f ${file}`) : ''}`,
    );
  }
  const broken = join(root, 'invalid', '56-many-problems-at-once.yaml');
  const result = await loadTopologyFile(broken);
  out(
    `\n${c.bold('== a broken file')} ${c.gray(broken)}\n${c.yellow('every problem at once, as file:line:col: message')}`,
  );
  if (!result.ok) out(result.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n'));
  return failures;
}

/** Runs the tour and the sandbox act; returns the exit code (1 if anything failed). */
export async function runDemo(root: string, options: { sandbox?: boolean } = {}): Promise<number> {
  const c = paint(colorEnabled());
  const failures = await tourExamples(root, c);
  out(
    `\n${failures === 0 ? c.green('all examples are valid') : c.red(`${failures} example(s) are invalid`)}. Next: npx meshpeer validate -f <file>, npx meshpeer schema`,
  );
  // The sandbox act loads the simulator: only when it runs, not for --no-sandbox.
  const walked =
    options.sandbox === false ? 0 : await (await import('./demo-sandbox.ts')).runSandboxDemo(root, c);
  return failures === 0 && walked === 0 ? 0 : 1;
}
