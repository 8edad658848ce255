/**
 * One connection from a service of one install to an upstream service, made the way the caller's
 * sidecar makes it: the discovery chain's targets in order, the first with a healthy instance
 * taken (Envoy's aggregate cluster); a local target dialled at an instance's sidecar with its
 * ServiceSNI, a peer target through the mesh gateways with the exporter's PeeredServiceSNI (mode
 * `local`: the caller's own gateway first, agent/xds/endpoints.go
 * makeUpstreamLoadAssignmentForPeerService; otherwise straight to the exporting side's gateway,
 * the imported instances' address). Simplified: a local target in another partition of the same
 * datacenter is dialled directly, not through the partitions' gateways.
 */

import type { DecisionJournal } from './decision-journal.ts';
import { type ChainTarget, compileChain, isHealthy, meshGatewayModeOf } from './discovery-chain.ts';
import type { InstanceIdentity } from './service-instance.ts';
import { peeredServiceSni, serviceSni } from './sni-names.ts';
import { spiffeIdOf } from './spiffe-id.ts';
import type { MeshInstall, TrafficMesh } from './traffic-mesh.ts';
import { type DialOptions, type DialOutcome, dialUpstream } from './upstream-dial.ts';

/** A connection to make: from a service of a sandbox cluster's install to a service name. */
export interface TrafficRequest {
  readonly from: {
    /** The sandbox cluster (one install) the caller runs in. */
    readonly cluster: string;
    /** Must be the install's partition when given. */
    readonly partition?: string;
    readonly namespace?: string;
    readonly service: string;
  };
  /** The upstream service name, resolved through the caller's discovery chain. */
  readonly to: string;
  /**
   * A peered upstream (`<service>.svc.<peer>.peer` in consul-k8s' upstream annotation): the
   * service imported from this peer, with no discovery chain of the caller's (proxycfg's
   * PeeredUpstreams).
   */
  readonly peer?: string;
  readonly namespace?: string;
  readonly timeoutMs?: number;
}

/** Why a connection failed. */
export type TrafficFailure =
  | 'no-healthy-upstream'
  | 'denied'
  | 'no-route'
  | 'unreachable'
  | 'tls'
  | 'timeout';

/** What a connection came to. */
export type TrafficResult =
  | {
      readonly ok: true;
      readonly answeredBy: InstanceIdentity;
      readonly target: ChainTarget;
      /** The gateways the connection went through, in order (`<cluster> mesh-gateway`). */
      readonly via: readonly string[];
    }
  | {
      readonly ok: false;
      readonly reason: TrafficFailure;
      readonly message: string;
      readonly target?: ChainTarget;
      readonly via?: readonly string[];
    };

interface Route {
  readonly dial: Omit<DialOptions, 'leaf' | 'timeoutMs'>;
  readonly via: readonly string[];
}

const hop = (install: MeshInstall) => `${install.plane.options.cluster} mesh-gateway`;

function describe(target: ChainTarget): string {
  return target.peer === ''
    ? `${target.service} in partition ${target.partition}`
    : `${target.service} of peer ${target.peer}`;
}

async function localRoute(
  mesh: TrafficMesh,
  source: MeshInstall,
  target: ChainTarget,
): Promise<Route | string> {
  const owner = mesh.byTrustDomain(source.plane.trustDomain, target.partition);
  if (owner === undefined) return `no install of this datacenter serves partition ${target.partition}`;
  const { plane } = owner;
  const node = mesh.pick(
    `${plane.trustDomain}/${plane.partition}/${target.service}`,
    plane.consul.localInstances(target.service, target.partition),
  );
  if (node === undefined) return `no healthy instance of ${describe(target)}`;
  const { datacenter } = plane.options;
  return {
    dial: {
      firstHop: await plane.sidecarOf(node),
      serverName: serviceSni(
        target.service,
        target.namespace,
        target.partition,
        datacenter,
        plane.trustDomain,
      ),
      roots: [plane.trust().caPem],
      expectedServerId: spiffeIdOf(plane.identity(target.service, target.namespace)),
    },
    via: [],
  };
}

function peerRoute(
  mesh: TrafficMesh,
  source: MeshInstall,
  target: ChainTarget,
  mode: string,
): Route | string {
  const bundle = source.plane.trust().peers.find((b) => b.PeerName === target.peer);
  if (bundle === undefined) return `no trust bundle from peer ${target.peer} yet (is the peering active?)`;
  const exporter = mesh.exporterOf(bundle);
  if (exporter === undefined) return `no sandbox install has the trust domain of peer ${target.peer}`;
  const name = mesh.nameAtExporter(exporter.plane, source.plane);
  if (name === undefined) return `peer ${target.peer} has no peering back to this install`;
  const local = mode === 'local';
  const firstHop = local ? source.gateway?.address : exporter.gateway?.address;
  if (firstHop === undefined)
    return local
      ? 'mesh gateway mode is local but this install runs no mesh gateway'
      : `peer ${target.peer} runs no mesh gateway`;
  const serverName = peeredServiceSni({
    service: target.service,
    namespace: target.namespace,
    partition: exporter.plane.partition,
    peer: name,
    trustDomain: exporter.plane.trustDomain,
  });
  return {
    dial: {
      firstHop,
      serverName,
      roots: bundle.RootPEMs,
      expectedServerId: spiffeIdOf(exporter.plane.identity(target.service, target.namespace)),
    },
    via: local ? [hop(source), hop(exporter)] : [hop(exporter)],
  };
}

/** The first target of the chain with a healthy instance. */
function firstHealthy(source: MeshInstall, targets: readonly ChainTarget[]): ChainTarget | undefined {
  const consul = source.plane.consul;
  return targets.find((t) => {
    const nodes =
      t.peer === ''
        ? consul.localInstances(t.service, t.partition)
        : consul.importedInstances(t.peer, t.service, source.plane.partition);
    return nodes.some((n) => isHealthy(n.Checks));
  });
}

/** The targets in order: the discovery chain's, or the peer's service alone for a peered upstream. */
function targetsOf(source: MeshInstall, request: TrafficRequest): ChainTarget[] {
  const { plane } = source;
  const namespace = request.namespace ?? 'default';
  if (request.peer !== undefined)
    return [{ service: request.to, namespace, partition: plane.partition, peer: request.peer }];
  return compileChain(request.to, namespace, plane.partition, {
    datacenter: plane.options.datacenter,
    trustDomain: plane.trustDomain,
    resolver: plane.consul.configEntry('service-resolver', request.to, plane.partition),
    samenessGroups: plane.consul.configEntries('sameness-group', plane.partition),
  });
}

/** What the caller's sidecar makes of a connection's outcome. */
function resultOf(
  outcome: DialOutcome,
  target: ChainTarget,
  route: Route,
  journal: DecisionJournal,
): TrafficResult {
  const via = route.via;
  const failed = (reason: TrafficFailure, message: string): TrafficResult => ({
    ok: false,
    reason,
    message,
    target,
    via,
  });
  switch (outcome.kind) {
    case 'answered':
      return { ok: true, answeredBy: outcome.answer, target, via };
    case 'closed-after-handshake': {
      const why = journal.get(outcome.finished)?.reason ?? 'it closed the connection after the TLS handshake';
      return failed('denied', `denied by the destination's sidecar: ${why}`);
    }
    case 'closed-before-handshake': {
      const where = via.length === 0 ? 'the destination' : via.join(' or ');
      const message = `${where} closed the connection before the TLS handshake (no route for ${route.dial.serverName})`;
      return failed(via.length === 0 ? 'unreachable' : 'no-route', message);
    }
    case 'tls-error':
      return failed('tls', outcome.message);
    case 'timed-out':
      return failed('timeout', `no answer from ${describe(target)} in time`);
  }
}

/** Makes one connection and reports which instance answered, or why none did. */
export async function requestService(
  mesh: TrafficMesh,
  journal: DecisionJournal,
  source: MeshInstall,
  request: TrafficRequest,
): Promise<TrafficResult> {
  const { plane } = source;
  const targets = targetsOf(source, request);
  const target = firstHealthy(source, targets);
  if (target === undefined) {
    const tried = targets.map(describe).join(', then ');
    return { ok: false, reason: 'no-healthy-upstream', message: `no healthy upstream: tried ${tried}` };
  }
  const mode = meshGatewayModeOf(plane.consul.configEntry('proxy-defaults', 'global', plane.partition));
  const route =
    target.peer === '' ? await localRoute(mesh, source, target) : peerRoute(mesh, source, target, mode);
  if (typeof route === 'string') return { ok: false, reason: 'unreachable', message: route, target };
  const caller = plane.identity(request.from.service, request.from.namespace);
  const leaf = await plane.options.signer.leaf(spiffeIdOf(caller));
  const outcome = await dialUpstream({ ...route.dial, leaf, timeoutMs: request.timeoutMs ?? 5000 });
  return resultOf(outcome, target, route, journal);
}
