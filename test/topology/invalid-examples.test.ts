import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadTopologyFile } from '../../src/topology/index.ts';

const dir = 'desired-state-examples/invalid';
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('invalid examples', () => {
  it('holds at least 40 broken files, each beside its expected errors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const file of cases) expect(readdirSync(dir)).toContain(file.replace(/\.yaml$/, '.expected'));
  });

  it.each(cases)('%s produces exactly its expected positioned errors', async (file) => {
    const path = join(dir, file);
    const expected = readFileSync(path.replace(/\.yaml$/, '.expected'), 'utf8')
      .trimEnd()
      .split('\n');
    const result = await loadTopologyFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(expected);
    for (const line of expected)
      expect(line).toMatch(/^desired-state-examples\/invalid\/[\w-]+\.yaml:\d+:\d+: \S/);
  });
});
