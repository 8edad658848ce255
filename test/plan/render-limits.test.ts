import { describe, expect, it } from 'vitest';
import { generateTopologyYaml } from '../../bench/generate-topology.ts';
import { MARKDOWN_LIMIT, planFor, renderMarkdown, renderText } from '../../src/plan/index.ts';
import { parseTopology } from '../../src/topology/index.ts';
import { emptyObserved } from './world-model.ts';

describe('plan rendering limits', () => {
  it('cuts a huge markdown plan below the comment limit, between sections, with a note', () => {
    const loaded = parseTopology(
      generateTopologyYaml({ clusters: 200, peersPerCluster: 2, servicesPerCluster: 3 }),
      'big.yaml',
    );
    if (!loaded.ok) throw new Error('invalid');
    const plan = planFor(loaded.topology, emptyObserved(loaded.topology));
    const md = renderMarkdown(plan);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md).toMatch(/of 201 sections are not shown: the plan is too long for one comment/);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    expect(renderText(plan)).toContain('Plan: 1600 to add');
  });
});
