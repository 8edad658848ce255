/** What `npm pack` would publish: the product's compiled code and its start script, nothing else. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface PackResult {
  files: { path: string }[];
}

describe('npm pack', () => {
  it('holds bin, the compiled product and package metadata: no sources, sandbox or tests', () => {
    // --ignore-scripts: prepare would rebuild dist/ under the other tests' feet.
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [result] = JSON.parse(json) as PackResult[];
    const paths = (result?.files ?? []).map((f) => f.path);
    expect(paths).toContain('bin/meshpeer.js');
    expect(paths).toContain('package.json');
    const outside = paths.filter(
      (p) =>
        !/^(bin\/|dist\/(src|workers)\/|dist\/\.build-stamp$|package\.json$|README\.md$|LICENSE)/.test(p),
    );
    expect(outside).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') || p.endsWith('.map'))).toEqual([]);
  });
});
