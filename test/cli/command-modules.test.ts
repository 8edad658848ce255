import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_ACTIONS } from '../../src/cli/sandbox-command.ts';
import { faultActions } from '../../src/cli/sandbox-run.ts';
import { DEFAULT_QUEUE_PREFIX } from '../../src/cli/status-command.ts';
import { QUEUE_PREFIX } from '../../src/run/queues.ts';

const REPO = resolve(import.meta.dirname, '../..');

// Static imports and re-exports that load a module at run time; `import type` is erased and
// `await import()` waits until a command runs.
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+'([^']+)'/gm;

/** The packages a module loads before any of its code runs, following its relative imports. */
function packagesLoadedBy(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec = ''] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:'))
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(join(REPO, entry));
  return { packages, files: new Set([...files].map((f) => relative(REPO, f))) };
}

describe('what a command loads before it runs', () => {
  it('the program with every command definition (all --help needs) loads only commander', () => {
    const { packages, files } = packagesLoadedBy('src/cli/main.ts');
    expect([...packages]).toEqual(['commander']);
    // Two small helpers without imports of their own: the secret redaction and duration parsing.
    expect([...files].filter((f) => !f.startsWith('src/cli/')).sort()).toEqual([
      'src/secrets/redact.ts',
      'src/topology/duration.ts',
    ]);
    expect([...files].filter((f) => f.endsWith('-run.ts'))).toEqual([]);
  });

  it('validate loads only js-yaml, zod and the topology model beyond the program', () => {
    const { packages, files } = packagesLoadedBy('src/cli/validate-run.ts');
    // The positioned parser (yaml) is required only when a file has something to report.
    expect([...packages].sort()).toEqual(['js-yaml', 'zod']);
    const outside = [...files].filter((f) => !f.startsWith('src/topology/') && !f.startsWith('src/cli/'));
    expect(outside).toEqual(['src/secrets/redact.ts']);
  });

  it('status defaults to the queue prefix the queues use', () => {
    expect(DEFAULT_QUEUE_PREFIX).toBe(QUEUE_PREFIX);
  });

  it('sandbox fault names the faults it can send', () => {
    expect([...FAULT_ACTIONS].sort()).toEqual(Object.keys(faultActions).sort());
  });
});
