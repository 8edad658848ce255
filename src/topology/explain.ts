/** Describes a topology in plain sentences: what each cluster does and what flows where. */

import { placeLabel } from './endpoint.ts';
import type { Topology } from './topology.ts';

/** Lines explaining the peerings, exports and traffic settings of a topology, in a stable order. */
export function explainTopology(t: Topology): string[] {
  const lines: string[] = [];
  for (const c of t.clusters) {
    const parts = c.partitions.length > 1 ? `, partitions ${c.partitions.join(', ')}` : '';
    lines.push(
      `cluster ${c.name}: kube context ${c.context}, Consul ${c.consul.release} in namespace ${c.consul.namespace}, datacenter ${c.consul.datacenter}${c.enterprise ? ', Enterprise' : ''}${parts}`,
    );
  }
  for (const p of t.peerings) {
    const a = placeLabel(p.acceptor.cluster, p.acceptor.partition);
    const d = placeLabel(p.dialer.cluster, p.dialer.partition);
    lines.push(
      `peering ${a} <-> ${d}: ${a} generates a token (PeeringAcceptor ${p.dialer.peerName}), meshpeer copies Secret ${p.tokenSecret.name} to ${p.dialer.cluster}, ${d} dials (PeeringDialer ${p.acceptor.peerName}); gateways in ${p.meshGatewayMode} mode`,
    );
  }
  for (const e of t.exports) {
    for (const s of e.services) {
      const to = s.consumers.map((c) =>
        'peer' in c
          ? `peer ${c.peer}`
          : 'partition' in c
            ? `partition ${c.partition}`
            : `sameness group ${c.samenessGroup}`,
      );
      lines.push(
        `export ${s.namespace ? `${s.namespace}/` : ''}${s.name} from ${placeLabel(e.cluster, e.partition)} to ${to.join(', ')}`,
      );
    }
  }
  lines.push(...explainTraffic(t));
  if (t.acls.enabled)
    lines.push(
      `acls: meshpeer's token needs ${t.acls.reconcilerRequires.join(', ')}; mesh gateway tokens need ${t.acls.meshGatewayRequires.join(', ')}`,
    );
  return lines;
}

const qualified = (name: string, namespace: string | undefined) =>
  namespace === undefined ? name : `${namespace}/${name}`;

/** Lines for sameness groups, intentions and failover, in the Topology's order. */
function explainTraffic(t: Topology): string[] {
  const lines: string[] = [];
  for (const g of t.samenessGroups) {
    const members = g.members.map((m) => ('peer' in m ? `peer ${m.peer}` : `partition ${m.partition}`));
    const local = g.includeLocal ? ['the local partition'] : [];
    lines.push(
      `sameness group ${g.name} in ${g.install}: ${[...local, ...members].join(', ')}${g.defaultForFailover ? '; the default for failover' : ''}`,
    );
  }
  for (const i of t.intentions) {
    const sources = i.sources.map(
      (s) =>
        `${s.action} ${s.service === '*' ? 'every service' : qualified(s.service, s.namespace)} of peer ${s.peer}`,
    );
    lines.push(
      `intentions for ${qualified(i.destination, i.namespace)} in ${i.install}: ${sources.join('; ')}`,
    );
  }
  for (const f of t.failover) {
    const to =
      f.samenessGroup !== undefined
        ? `the members of sameness group ${f.samenessGroup}`
        : f.targets.map((x) => `peer ${x.peer}`).join(', then ');
    lines.push(`failover of ${qualified(f.service, f.namespace)} in ${f.install} to ${to}`);
  }
  return lines;
}
