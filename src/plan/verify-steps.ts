/** Plans one `verify` step per desired peering: the only proof that a peering really works. */
import type { ExportSpec, PeeringSpec, Topology } from '../topology/index.ts';
import type { Step } from './step.ts';

/** Per `cluster/partition` (first export entry wins), the services exported to each consumer peer name. */
type ExportIndex = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

function byPeer(entry: ExportSpec): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of entry.services) {
    // A service naming the same peer twice still counts once.
    const peers = new Set(s.consumers.flatMap((c) => ('peer' in c ? [c.peer] : [])));
    for (const peer of peers) {
      const names = out.get(peer);
      if (names === undefined) out.set(peer, [s.name]);
      else names.push(s.name);
    }
  }
  return out;
}

/**
 * Built once per plan: a hub that exports to hundreds of peers would otherwise have its whole
 * consumer list scanned for every one of its peerings (quadratic in the number of peers).
 */
function exportIndex(t: Topology): ExportIndex {
  const index = new Map<string, Map<string, string[]>>();
  for (const e of t.exports) {
    const key = `${e.cluster}/${e.partition}`;
    if (!index.has(key)) index.set(key, byPeer(e));
  }
  return index;
}

/** Services exported from one place to a consumer peer name, sorted. */
function exportedTo(exports: ExportIndex, cluster: string, partition: string, peer: string): string[] {
  return [...(exports.get(`${cluster}/${partition}`)?.get(peer) ?? [])].sort();
}

/** The verify step of one peering. */
function verifyStep(t: Topology, exports: ExportIndex, p: PeeringSpec): Step {
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
    reason: `prove the peering: both sides ACTIVE and receiving, imports match exports${t.verify.handshake ? ", a handshake through the acceptor's gateway answers" : ''}${t.verify.probe ? ', a probe peering streams' : ''}`,
    dependsOn: [],
    params: {
      acceptor: p.acceptor,
      dialer: p.dialer,
      // The acceptor knows the dialer as dialer.peerName: what it exports to that name, the dialer imports.
      dialerImports: exportedTo(exports, p.acceptor.cluster, p.acceptor.partition, p.dialer.peerName),
      acceptorImports: exportedTo(exports, p.dialer.cluster, p.dialer.partition, p.acceptor.peerName),
      heartbeatMaxAgeMs: t.verify.heartbeatMaxAgeMs,
      handshake: t.verify.handshake,
      probe: t.verify.probe,
      timeoutMs: t.verify.timeoutMs,
    },
  };
}

/** One verify step per desired peering, in topology order. */
export function verifySteps(t: Topology): Step[] {
  const exports = exportIndex(t);
  return t.peerings.map((p) => verifyStep(t, exports, p));
}
