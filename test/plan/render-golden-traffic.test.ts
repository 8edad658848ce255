import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFor, renderJson, renderMarkdown, renderText } from '../../src/plan/index.ts';
import { TRAFFIC_FIXTURES, trafficFixture, trafficTopology } from './traffic-fixtures.ts';

const update = process.env.UPDATE_GOLDEN === '1';

function golden(path: string, actual: string): void {
  if (update || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (!update)
      throw new Error(`golden file ${path} was missing and has been written: review it and run again`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('plan renderers with traffic settings (golden)', () => {
  it.each(TRAFFIC_FIXTURES)('admin-partitions with traffic / %s', (name) => {
    const t = trafficTopology();
    const plan = planFor(t, trafficFixture(t, name));
    const base = `test/golden/plan/admin-partitions-traffic/${name}`;
    golden(`${base}.txt`, renderText(plan));
    golden(`${base}.md`, renderMarkdown(plan));
    golden(`${base}.json`, renderJson(plan));
  });
});
