/**
 * Plans one `verify` step per desired peering: the only proof that a peering really works. Besides
 * the peering itself, it proves the traffic that crosses it: the services each side imports are
 * healthy as the importing side sees them, and the intentions and failover targets declared over
 * it (src/steps/verify-traffic.ts asks Consul).
 */
import type { ExportSpec, PeeringSpec, Topology } from '../topology/index.ts';
import type { ServiceRef, Step, TrafficChecks } from './step.ts';

/** Per `cluster/partition` (first export entry wins), the services exported to each consumer peer name. */
type ExportIndex = ReadonlyMap<string, ReadonlyMap<string, readonly ServiceRef[]>>;

/** A namespace worth naming: `default` is where a service without one lives. */
const ref = (service: string, namespace: string | undefined): ServiceRef =>
  namespace === undefined || namespace === 'default' ? { service } : { service, namespace };

function byPeer(entry: ExportSpec): Map<string, ServiceRef[]> {
  const out = new Map<string, ServiceRef[]>();
  for (const s of entry.services) {
    // A service naming the same peer twice still counts once.
    const peers = new Set(s.consumers.flatMap((c) => ('peer' in c ? [c.peer] : [])));
    for (const peer of peers) {
      const refs = out.get(peer);
      if (refs === undefined) out.set(peer, [ref(s.name, s.namespace)]);
      else refs.push(ref(s.name, s.namespace));
    }
  }
  return out;
}

/**
 * Built once per plan: a hub that exports to hundreds of peers would otherwise have its whole
 * consumer list scanned for every one of its peerings (quadratic in the number of peers).
 */
function exportIndex(t: Topology): ExportIndex {
  const index = new Map<string, Map<string, ServiceRef[]>>();
  for (const e of t.exports) {
    const key = `${e.cluster}/${e.partition}`;
    if (!index.has(key)) index.set(key, byPeer(e));
  }
  return index;
}

/** Services exported from one place to a consumer peer name, sorted by name. */
function exportedTo(exports: ExportIndex, cluster: string, partition: string, peer: string): ServiceRef[] {
  return [...(exports.get(`${cluster}/${partition}`)?.get(peer) ?? [])].sort((a, b) =>
    a.service.localeCompare(b.service),
  );
}

/** The traffic checks of each peering, by peering id: a peer name and its install find the peering. */
type TrafficIndex = ReadonlyMap<string, TrafficChecks>;

/** Peering ids by `install>peer name`: each end knows the other by the other end's peer name. */
function peeringsByPeer(t: Topology): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of t.peerings) {
    out.set(`${p.acceptor.install}>${p.dialer.peerName}`, p.id);
    out.set(`${p.dialer.install}>${p.acceptor.peerName}`, p.id);
  }
  return out;
}

/** The peers a failover tries: its targets, or its sameness group's peer members. */
function failoverPeers(t: Topology, f: Topology['failover'][number]): string[] {
  if (f.samenessGroup === undefined) return f.targets.map((target) => target.peer);
  const group = t.samenessGroups.find((g) => g.install === f.install && g.name === f.samenessGroup);
  return (group?.members ?? []).flatMap((m) => ('peer' in m ? [m.peer] : []));
}

/**
 * Intentions and failover targets, each attached to the peering it travels over. Validation makes
 * every source and target peer a peering of its install; one that is not has nothing to verify.
 */
function trafficIndex(t: Topology): TrafficIndex {
  type Intention = NonNullable<TrafficChecks['intentions']>[number];
  type Failover = NonNullable<TrafficChecks['failover']>[number];
  const peerings = peeringsByPeer(t);
  const intentions = new Map<string, Intention[]>();
  const failover = new Map<string, Failover[]>();
  const add = <T>(into: Map<string, T[]>, install: string, peer: string, check: T) => {
    const id = peerings.get(`${install}>${peer}`);
    if (id !== undefined) into.set(id, [...(into.get(id) ?? []), check]);
  };
  for (const i of t.intentions)
    for (const s of i.sources)
      add(intentions, i.install, s.peer, {
        install: i.install,
        ...ref(i.destination, i.namespace),
        peer: s.peer,
        source: s.service,
        ...(s.namespace !== undefined && s.namespace !== 'default' && { sourceNamespace: s.namespace }),
        action: s.action,
      });
  for (const f of t.failover)
    for (const peer of failoverPeers(t, f))
      add(failover, f.install, peer, { install: f.install, ...ref(f.service, f.namespace), peer });
  const ids = new Set([...intentions.keys(), ...failover.keys()]);
  return new Map(
    [...ids].map((id): [string, TrafficChecks] => {
      const i = intentions.get(id);
      const f = failover.get(id);
      return [id, { ...(i !== undefined && { intentions: i }), ...(f !== undefined && { failover: f }) }];
    }),
  );
}

/** The checks of one peering; imports are named with namespaces only when one is not `default`. */
function trafficOf(
  traffic: TrafficIndex,
  p: PeeringSpec,
  imports: { dialer: ServiceRef[]; acceptor: ServiceRef[] },
): TrafficChecks | undefined {
  const namespaced = (refs: ServiceRef[]) => refs.some((r) => r.namespace !== undefined);
  const sides = {
    ...(namespaced(imports.dialer) && { dialer: imports.dialer }),
    ...(namespaced(imports.acceptor) && { acceptor: imports.acceptor }),
  };
  const checks: TrafficChecks = {
    ...traffic.get(p.id),
    ...(Object.keys(sides).length > 0 && { imports: sides }),
  };
  return Object.keys(checks).length > 0 ? checks : undefined;
}

/** The verify step of one peering. */
function verifyStep(t: Topology, exports: ExportIndex, traffic: TrafficIndex, p: PeeringSpec): Step {
  // The acceptor knows the dialer as dialer.peerName: what it exports to that name, the dialer imports.
  const imports = {
    dialer: exportedTo(exports, p.acceptor.cluster, p.acceptor.partition, p.dialer.peerName),
    acceptor: exportedTo(exports, p.dialer.cluster, p.dialer.partition, p.acceptor.peerName),
  };
  const checks = trafficOf(traffic, p, imports);
  const declared = [
    ...(checks?.intentions ? ['intentions as declared'] : []),
    ...(checks?.failover ? ['failover targets resolvable'] : []),
  ];
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
    reason: `prove the peering: both sides ACTIVE and receiving, imports match exports${t.verify.handshake ? ", a handshake through the acceptor's gateway answers" : ''}${t.verify.probe ? ', a probe peering streams' : ''}${declared.map((d) => `, ${d}`).join('')}`,
    dependsOn: [],
    params: {
      acceptor: p.acceptor,
      dialer: p.dialer,
      dialerImports: imports.dialer.map((r) => r.service),
      acceptorImports: imports.acceptor.map((r) => r.service),
      heartbeatMaxAgeMs: t.verify.heartbeatMaxAgeMs,
      handshake: t.verify.handshake,
      probe: t.verify.probe,
      timeoutMs: t.verify.timeoutMs,
      ...(checks !== undefined && { traffic: checks }),
    },
  };
}

/** One verify step per desired peering, in topology order. */
export function verifySteps(t: Topology): Step[] {
  const exports = exportIndex(t);
  const traffic = trafficIndex(t);
  return t.peerings.map((p) => verifyStep(t, exports, traffic, p));
}
