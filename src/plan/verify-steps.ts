/** Plans one `verify` step per desired peering: the only proof that a peering really works. */
import type { PeeringSpec, Topology } from '../topology/index.ts';
import type { Step } from './step.ts';

/** Services exported from one place to a consumer peer name. */
function exportedTo(t: Topology, cluster: string, partition: string, peer: string): string[] {
  const entry = t.exports.find((e) => e.cluster === cluster && e.partition === partition);
  if (entry === undefined) return [];
  return entry.services
    .filter((s) => s.consumers.some((c) => 'peer' in c && c.peer === peer))
    .map((s) => s.name)
    .sort();
}

/** The verify step of one peering. */
export function verifyStep(t: Topology, p: PeeringSpec): Step {
  return {
    id: `verify/${p.acceptor.cluster}/${p.acceptor.partition}/${p.dialer.cluster}/${p.dialer.partition}`,
    kind: 'verify',
    action: 'verify',
    lane: 'verify',
    peering: p.id,
    target: {
      kind: 'Peering',
      namespace: p.acceptor.cluster,
      name: `${p.acceptor.peerName}<->${p.dialer.peerName}`,
    },
    reason:
      'prove the peering: both sides ACTIVE with a fresh heartbeat, imports match exports, a protocol handshake succeeds',
    dependsOn: [],
    params: {
      acceptor: p.acceptor,
      dialer: p.dialer,
      // The acceptor knows the dialer as dialer.peerName: what it exports to that name, the dialer imports.
      dialerImports: exportedTo(t, p.acceptor.cluster, p.acceptor.partition, p.dialer.peerName),
      acceptorImports: exportedTo(t, p.dialer.cluster, p.dialer.partition, p.acceptor.peerName),
      heartbeatMaxAgeMs: t.verify.heartbeatMaxAgeMs,
      probe: t.verify.probe,
      timeoutMs: t.verify.timeoutMs,
    },
  };
}
