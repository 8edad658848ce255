import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKDOWN_LIMIT, planFor, renderJson, renderMarkdown, renderText } from '../../src/plan/index.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';
import { FIXTURES, fixture } from './fixtures.ts';

const update = process.env.UPDATE_GOLDEN === '1';
const examples = readdirSync('desired-state-examples', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => d.name)
  .sort();
const cases = examples.flatMap((e) => FIXTURES.map((f) => [e, f] as const));

function golden(path: string, actual: string): void {
  if (update || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (!update)
      throw new Error(`golden file ${path} was missing and has been written: review it and run again`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('plan renderers (golden)', () => {
  it.each(cases)('%s / %s', async (example, name) => {
    const loaded = await loadTopologyFile(`desired-state-examples/${example}/peerings.yaml`);
    if (!loaded.ok) throw new Error('invalid example');
    const plan = planFor(loaded.topology, fixture(loaded.topology, name));
    const base = `test/golden/plan/${example}/${name}`;
    golden(`${base}.txt`, renderText(plan));
    golden(`${base}.md`, renderMarkdown(plan));
    golden(`${base}.json`, renderJson(plan));
    const md = renderMarkdown(plan);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  });
});
