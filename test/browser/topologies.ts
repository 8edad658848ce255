/** Topologies of several sizes for the label-overlap check in the browser. */
import type { TopologyGraph } from '../../src/gitops/status-snapshot.ts';

type Install = TopologyGraph['installs'][number];

const install = (cluster: string, partition = 'default'): Install => ({
  name: partition === 'default' ? cluster : `${cluster}/${partition}`,
  cluster,
  partition,
  context: partition === 'default' ? `kind-${cluster}` : `kind-${cluster}-${partition}`,
});

function graph(installs: Install[], pairs: ReadonlyArray<[number, number]>): TopologyGraph {
  const place = (i: Install) => `${i.cluster}/${i.partition}`;
  return {
    name: 'overlap',
    revision: 'c'.repeat(40),
    clusters: [...new Set(installs.map((i) => i.cluster))],
    installs,
    peerings: pairs.flatMap(([a, d]) => {
      const acceptor = installs[a];
      const dialer = installs[d];
      if (acceptor === undefined || dialer === undefined) return [];
      return [{ id: `${place(acceptor)}>${place(dialer)}`, acceptor: acceptor.name, dialer: dialer.name }];
    }),
    exports: installs.slice(0, 2).map((i) => ({ install: i.name, service: 'api', consumers: ['peer:x'] })),
  };
}

/** 2 installs (two datacenters), or 5 (three datacenters, two of them with a partition install). */
export function smallTopology(installs: 2 | 5): TopologyGraph {
  if (installs === 2) return graph([install('dc1'), install('dc2')], [[0, 1]]);
  const all = [install('dc1'), install('dc1', 'ap1'), install('dc2'), install('dc2', 'ap1'), install('dc3')];
  return graph(all, [
    [0, 2],
    [1, 3],
    [4, 0],
    [4, 3],
    [2, 4],
  ]);
}

/** `n` datacenters with long names, every third with two partition installs, peered in a full mesh. */
export function manyDatacenters(n: number): TopologyGraph {
  const installs = Array.from(
    { length: n },
    (_, i) => `datacenter-${String(i).padStart(2, '0')}-${'west'.repeat(1 + (i % 4))}`,
  ).flatMap((dc, i) =>
    i % 3 === 0
      ? [install(dc), install(dc, 'team-payments'), install(dc, 'team-search-and-discovery')]
      : [install(dc)],
  );
  const pairs = installs.flatMap((_, a) =>
    installs.map((__, d): [number, number] => [a, d]).filter(([, d]) => d > a && (d - a) % 2 === 1),
  );
  return graph(installs, pairs);
}
