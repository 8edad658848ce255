import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeeringHealth } from '../../src/gitops/peering-health.ts';
import type { TopologyGraph } from '../../src/gitops/status-snapshot.ts';
import {
  type Box,
  fitLabel,
  labelBox,
  labelWidth,
  layoutLabels,
  layoutTopology,
  MAX_LABEL,
  peeringEdges,
} from '../../src/server/page/layout.js';

const place = (name: string) => (name.includes('/') ? name : `${name}/default`);

/** A graph of `clusters` (name and partitions besides default) with peerings between install names. */
function graphOf(
  clusters: ReadonlyArray<[string, string[]]>,
  peerings: ReadonlyArray<[string, string]>,
): TopologyGraph {
  return {
    name: 't',
    revision: 'a'.repeat(40),
    clusters: clusters.map(([c]) => c),
    installs: clusters.flatMap(([cluster, partitions]) =>
      ['default', ...partitions].map((partition) => ({
        name: partition === 'default' ? cluster : `${cluster}/${partition}`,
        cluster,
        partition,
        context: `kind-${cluster}${partition === 'default' ? '' : `-${partition}`}`,
      })),
    ),
    peerings: peerings.map(([acceptor, dialer]) => ({
      id: `${place(acceptor)}>${place(dialer)}`,
      acceptor,
      dialer,
    })),
    exports: clusters.map(([cluster]) => ({ install: cluster, service: 'api', consumers: ['peer:x'] })),
  };
}

const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: Box, b: Box) =>
  a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;

/** Asserts that no two labels overlap and each sits inside its install row or datacenter box. */
function expectReadable(graph: TopologyGraph): void {
  const layout = layoutTopology(graph, []);
  const boxes = layoutLabels(layout).map(labelBox);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      expect(intersects(boxes[i] as Box, boxes[j] as Box), `labels ${i} and ${j} overlap`).toBe(false);
    }
  }
  for (const node of layout.nodes) for (const l of node.labels) expect(inside(labelBox(l), node)).toBe(true);
  for (const g of layout.groups) {
    expect(inside(labelBox(g.label), g)).toBe(true);
    for (const n of layout.nodes.filter((x) => x.cluster === g.cluster)) expect(inside(n, g)).toBe(true);
  }
  for (let i = 0; i < layout.groups.length; i++) {
    for (let j = i + 1; j < layout.groups.length; j++)
      expect(intersects(layout.groups[i] as Box, layout.groups[j] as Box)).toBe(false);
  }
  const right = Math.max(
    ...layout.groups.map((g) => g.x + g.w + Math.max(0, ...layout.edges.map((e) => e.bulge))),
  );
  expect(layout.width).toBeGreaterThanOrEqual(right);
}

describe('the topology layout', () => {
  it('keeps every label apart with 2 installs', () => {
    expectReadable(
      graphOf(
        [
          ['dc1', []],
          ['dc2', []],
        ],
        [['dc1', 'dc2']],
      ),
    );
  });

  it('keeps every label apart with 5 installs in 3 datacenters with partitions', () => {
    expectReadable(
      graphOf(
        [
          ['dc1', ['ap1']],
          ['dc2', ['ap1']],
          ['dc3', []],
        ],
        [
          ['dc1', 'dc2'],
          ['dc1/ap1', 'dc2/ap1'],
          ['dc3', 'dc1'],
          ['dc3', 'dc2/ap1'],
        ],
      ),
    );
  });

  it('keeps every label apart with 12 datacenters, long names and a full mesh', () => {
    const names = Array.from({ length: 12 }, (_, i) => `datacenter-${i}-${'x'.repeat(i * 4)}`);
    const mesh = names.flatMap((a, i) => names.slice(i + 1).map((d): [string, string] => [a, d]));
    expectReadable(
      graphOf(
        names.map((n, i) => [n, i % 3 === 0 ? ['team-a', 'team-b'] : []]),
        mesh,
      ),
    );
  });

  it('keeps every label apart for any names and peerings', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,44}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1, maxLength: 14 }),
        fc.array(fc.uniqueArray(name, { maxLength: 3 }), { maxLength: 14 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
        (clusters, partitions, pairs) => {
          const spec = clusters.map((c, i): [string, string[]] => [
            c,
            (partitions[i] ?? []).filter((p) => p !== 'default'),
          ]);
          const installs = graphOf(spec, []).installs.map((i) => i.name);
          const peerings = pairs
            .map(([a, d]): [string, string] => [
              installs[a % installs.length] ?? '',
              installs[d % installs.length] ?? '',
            ])
            .filter(([a, d]) => a !== d);
          const unique = [...new Map(peerings.map((p) => [p.join('>'), p])).values()];
          expectReadable(graphOf(spec, unique));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('cuts long names with an ellipsis and reserves room for every character', () => {
    expect(fitLabel('x'.repeat(MAX_LABEL))).toHaveLength(MAX_LABEL);
    expect(fitLabel('y'.repeat(MAX_LABEL + 5))).toBe(`${'y'.repeat(MAX_LABEL - 1)}…`);
    expect(labelWidth('abcd')).toBeGreaterThanOrEqual(4 * 12 * 0.6);
  });

  it('is deterministic: the same graph gives the same drawing whatever the order of health', () => {
    const graph = graphOf(
      [
        ['dc1', ['ap1']],
        ['dc2', []],
      ],
      [
        ['dc1', 'dc2'],
        ['dc1/ap1', 'dc2'],
      ],
    );
    const health: PeeringHealth[] = graph.peerings.map((p, i) => ({
      ...p,
      state: i === 0 ? 'healthy' : 'failing',
      detail: '',
      observedAt: '2026-01-01T00:00:00.000Z',
      source: 'check',
    }));
    expect(layoutTopology(graph, health)).toEqual(layoutTopology(graph, [...health].reverse()));
  });

  it('stacks datacenters in topology order, the default partition first', () => {
    const layout = layoutTopology(
      graphOf(
        [
          ['b-dc', ['zz', 'aa']],
          ['a-dc', []],
        ],
        [],
      ),
      [],
    );
    expect(layout.groups.map((g) => g.cluster)).toEqual(['b-dc', 'a-dc']);
    expect(layout.nodes.map((n) => n.name)).toEqual(['b-dc', 'b-dc/aa', 'b-dc/zz', 'a-dc']);
    expect(layout.nodes[0]?.labels.map((l) => l.text)).toEqual(['default', 'ctx kind-b-dc', '1 export']);
  });
});

describe('peering edges', () => {
  const graph = graphOf(
    [
      ['dc1', []],
      ['dc2', ['ap1']],
    ],
    [
      ['dc1', 'dc2'],
      ['dc1', 'dc2/ap1'],
      ['dc2', 'dc2/ap1'],
    ],
  );
  const observed = (
    acceptor: string,
    dialer: string,
    state: PeeringHealth['state'],
    id = `${place(acceptor)}>${place(dialer)}`,
  ): PeeringHealth => ({
    id,
    acceptor,
    dialer,
    state,
    detail: state,
    observedAt: '2026-01-01T00:00:00.000Z',
    source: 'check',
  });

  it('takes each edge state from the latest observation, unknown when never observed', () => {
    const edges = peeringEdges(graph, [
      observed('dc1', 'dc2', 'healthy'),
      observed('dc1', 'dc2/ap1', 'stale'),
    ]);
    expect(edges.map((e) => [e.acceptor, e.dialer, e.state])).toEqual([
      ['dc1', 'dc2', 'healthy'],
      ['dc1', 'dc2/ap1', 'stale'],
      ['dc2', 'dc2/ap1', 'unknown'],
    ]);
  });

  it('matches by acceptor and dialer when ids differ, and never draws a peering outside the topology', () => {
    const edges = peeringEdges(graph, [
      observed('dc2', 'dc2/ap1', 'missing', 'other-id'),
      observed('dc1', 'dc9', 'healthy'),
    ]);
    expect(edges.map((e) => e.state)).toEqual(['unknown', 'unknown', 'missing']);
    const drawn = layoutTopology(graph, [observed('dc1', 'dc9', 'healthy')]).edges;
    expect(drawn.map((e) => e.id).sort()).toEqual(graph.peerings.map((p) => p.id).sort());
    expect(drawn.every((e) => e.state === 'unknown')).toBe(true);
  });

  it('is never green for a state it does not know', () => {
    const odd = { ...observed('dc1', 'dc2', 'healthy'), state: 'ACTIVE' } as unknown as PeeringHealth;
    expect(peeringEdges(graph, [odd])[0]?.state).toBe('unknown');
  });

  it('skips peerings whose installs are not in the topology', () => {
    const broken = { ...graph, peerings: [...graph.peerings, { id: 'x', acceptor: 'dc1', dialer: 'gone' }] };
    expect(layoutTopology(broken, []).edges).toHaveLength(3);
  });
});
