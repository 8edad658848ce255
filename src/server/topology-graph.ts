/** The status page's view of a topology: installs, peerings between installs, and exports. */

import type { TopologyGraph } from '../gitops/status-snapshot.ts';
import type { Consumer, Topology } from '../topology/index.ts';

function consumerText(c: Consumer): string {
  if ('peer' in c) return `peer:${c.peer}`;
  if ('partition' in c) return `partition:${c.partition}`;
  return `samenessGroup:${c.samenessGroup}`;
}

/** The graph of `topology` at `revision`. */
export function topologyGraph(topology: Topology, revision: string): TopologyGraph {
  return {
    name: topology.name,
    revision,
    clusters: [...new Set(topology.clusters.map((c) => c.cluster))],
    installs: topology.clusters.map((c) => ({
      name: c.name,
      cluster: c.cluster,
      partition: c.partition,
      context: c.context,
    })),
    peerings: topology.peerings.map((p) => ({
      id: p.id,
      acceptor: p.acceptor.install,
      dialer: p.dialer.install,
    })),
    exports: topology.exports.flatMap((e) =>
      e.services.map((s) => ({
        install: e.install,
        service: s.name,
        ...(s.namespace !== undefined && { namespace: s.namespace }),
        consumers: s.consumers.map(consumerText),
      })),
    ),
  };
}
