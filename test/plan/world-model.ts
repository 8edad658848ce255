/**
 * A model of the clusters for planner tests: it applies a plan's effects to an observed snapshot
 * the way meshpeer's executors, the consul-k8s controllers and Consul would, including the rule
 * that a peering token establishes only once.
 */

import type {
  CatalogFacts,
  ConsulPeeringFacts,
  ObservedCluster,
  ObservedState,
  PeeringResourceFacts,
} from '../../src/observe/observed-state.ts';
import type { Plan, Step } from '../../src/plan/index.ts';
import type { ObjectParams } from '../../src/plan/step.ts';
import { mergeExports } from '../../src/resources/exported-services-merge.ts';
import { type ClusterSpec, placeLabel, type Topology } from '../../src/topology/index.ts';
import { applyTrafficStep, trafficProblems } from './world-traffic.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyArray<infer U> ? U[] : T[K] };
type MutablePeering = { -readonly [K in keyof ConsulPeeringFacts]: ConsulPeeringFacts[K] };
type World = Record<
  string,
  Mutable<ObservedCluster> & { consulPeerings: MutablePeering[]; partition: string }
>;

/** The catalog of an install that has every service the topology exports from it registered. */
function registeredExports(t: Topology, install: string): CatalogFacts | undefined {
  const services: Record<string, string[]> = {};
  for (const e of t.exports.filter((x) => x.install === install))
    for (const s of e.services) {
      const ns = s.namespace ?? 'default';
      services[ns] = [...new Set([...(services[ns] ?? []), s.name])].sort();
    }
  return Object.keys(services).length === 0 ? undefined : { services, unreadable: {} };
}

/**
 * A reachable install with a good Helm release (chart defaults: fullname consul-consul), a ready
 * gateway and nothing peering-related; given the topology, the services it exports are registered.
 */
export function healthyCluster(
  spec?: Pick<ClusterSpec, 'name' | 'partition' | 'server'>,
  t?: Topology,
): ObservedCluster {
  const catalog = spec !== undefined && t !== undefined ? registeredExports(t, spec.name) : undefined;
  return {
    reachable: true,
    install: {
      source: 'helm-release',
      release: 'consul',
      fullname: 'consul-consul',
      caCert: { secret: 'consul-consul-ca-cert', key: 'tls.crt' },
      chartVersion: '1.6.2',
      consulVersion: '1.20.1',
      values: {
        peeringEnabled: true,
        tlsEnabled: true,
        httpsOnly: true,
        meshGatewayEnabled: true,
        connectInjectEnabled: true,
        manageSystemACLs: true,
        adminPartitionsEnabled: true,
        enableConsulNamespaces: true,
        externalServersEnabled: spec?.server !== undefined,
      },
      partitionName: spec?.partition ?? 'default',
    },
    gateway: { found: true, name: 'consul-consul-mesh-gateway', replicas: 1, readyReplicas: 1 },
    acceptors: [],
    dialers: [],
    tokenSecrets: [],
    exports: [],
    intentions: [],
    resolvers: [],
    samenessGroups: [],
    consul: {
      reachable: true,
      peerings: [],
      acl: {
        // What the examples' bootstrap token (global-management) holds of the default requirements.
        reconcilerPermissions: ['peering:write', 'peering:read', 'mesh:write', 'service:read', 'node:read'],
        meshGateway: { via: 'role', role: 'consul-consul-mesh-gateway-acl-role' },
        meshGatewayPermissions: ['service:write', 'service:read', 'mesh:write', 'peering:read'],
      },
      ...(catalog !== undefined && { catalog }),
    },
  };
}

/** Every cluster of the topology empty and healthy, with the services it exports registered. */
export function emptyObserved(t: Topology): ObservedState {
  return { clusters: Object.fromEntries(t.clusters.map((c) => [c.name, healthyCluster(c, t)])) };
}

function toWorld(t: Topology, observed: ObservedState): World {
  const world: World = {};
  for (const [name, c] of Object.entries(observed.clusters)) {
    if (!c.reachable) continue;
    const partition = t.clusters.find((x) => x.name === name)?.partition ?? 'default';
    const peerings = c.consul.reachable ? c.consul.peerings.map((p) => ({ ...p })) : [];
    world[name] = {
      ...structuredClone(c),
      acceptors: [...c.acceptors],
      dialers: [...c.dialers],
      tokenSecrets: [...c.tokenSecrets],
      exports: [...c.exports],
      intentions: [...c.intentions],
      resolvers: [...c.resolvers],
      samenessGroups: [...c.samenessGroups],
      consulPeerings: peerings,
      partition,
    } as World[string];
  }
  return world;
}

function fromWorld(observed: ObservedState, world: World): ObservedState {
  const clusters: Record<string, ObservedState['clusters'][string]> = { ...observed.clusters };
  for (const [name, w] of Object.entries(world)) {
    const { consulPeerings, partition: _partition, ...rest } = w;
    const consul = rest.consul.reachable ? { ...rest.consul, peerings: consulPeerings } : rest.consul;
    clusters[name] = { ...rest, consul } as ObservedCluster;
  }
  return { clusters };
}

let rv = 1000;
/** Restarts the simulated resourceVersion counter, so fixtures are reproducible. */
export function resetResourceVersions(): void {
  rv = 1000;
}
const nextRv = () => String(++rv);

function resourceFacts(step: { params: ObjectParams }): PeeringResourceFacts {
  const o = step.params.object;
  const secret = (o.spec.peer as { secret: { name: string; key: string; backend: string } }).secret;
  return {
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    resourceVersion: nextRv(),
    managed: true,
    synced: true,
    deleting: false,
    secretName: secret.name,
    secretKey: secret.key,
    backend: secret.backend,
    peering: o.metadata.annotations?.['meshpeer.dev/peering'] ?? '',
  };
}

function issueToken(w: World[string], acceptor: PeeringResourceFacts): void {
  w.tokenSecrets = w.tokenSecrets.filter(
    (s) => !(s.name === acceptor.secretName && s.namespace === acceptor.namespace),
  );
  const version = nextRv();
  w.tokenSecrets.push({
    name: acceptor.secretName,
    namespace: acceptor.namespace,
    resourceVersion: version,
    keys: [acceptor.secretKey],
    // Every token is new: its fingerprint differs from every earlier one.
    fingerprints: { [acceptor.secretKey]: `token-${version}` },
    peeringTokenLabel: true,
    managed: false,
  });
  w.consulPeerings = w.consulPeerings.filter((p) => p.name !== acceptor.name || p.partition !== w.partition);
  w.consulPeerings.push({
    name: acceptor.name,
    partition: w.partition,
    state: 'PENDING',
    peerId: '',
    remoteDatacenter: '',
    importedServices: [],
    exportedServices: [],
  });
}

function applyStep(world: World, step: Step): void {
  const w = world[step.lane];
  switch (step.kind) {
    case 'mesh-gateway': {
      if (!w) return;
      const mesh = step.params.mesh;
      if (mesh)
        w.mesh = {
          name: 'mesh',
          namespace: mesh.metadata.namespace,
          resourceVersion: nextRv(),
          managed: true,
          synced: true,
          deleting: false,
          peerThroughMeshGateways: (mesh.spec.peering as { peerThroughMeshGateways: boolean })
            .peerThroughMeshGateways,
        };
      const pd = step.params.proxyDefaults;
      if (pd)
        w.proxyDefaults = {
          name: 'global',
          namespace: pd.metadata.namespace,
          resourceVersion: nextRv(),
          managed: true,
          synced: true,
          deleting: false,
          meshGatewayMode: (pd.spec.meshGateway as { mode: string }).mode,
        };
      return;
    }
    case 'acl':
      if (w?.consul.reachable && w.consul.acl !== undefined)
        w.consul = {
          ...w.consul,
          acl: {
            ...w.consul.acl,
            meshGatewayPermissions: [...(w.consul.acl.meshGatewayPermissions ?? []), ...step.params.missing],
          },
        };
      return;
    case 'acceptor': {
      if (!w) return;
      const facts = resourceFacts(step);
      w.acceptors = [
        ...w.acceptors.filter((a) => !(a.name === facts.name && a.namespace === facts.namespace)),
        facts,
      ];
      issueToken(w, facts);
      return;
    }
    case 'rotate': {
      if (!w) return;
      const a = w.acceptors.find((x) => x.name === step.params.name && x.namespace === step.params.namespace);
      if (!a) return;
      const updated = {
        ...a,
        peeringVersion: step.params.version,
        latestPeeringVersion: step.params.version,
      };
      w.acceptors = w.acceptors.map((x) => (x === a ? updated : x));
      issueToken(w, updated);
      return;
    }
    case 'token-transfer': {
      const from = world[step.params.from.cluster]?.tokenSecrets.find(
        (s) => s.name === step.params.from.name && s.namespace === step.params.from.namespace,
      );
      if (!w || !from) return;
      w.tokenSecrets = [
        ...w.tokenSecrets.filter((s) => !(s.name === from.name && s.namespace === step.params.to.namespace)),
        {
          name: from.name,
          namespace: step.params.to.namespace,
          resourceVersion: nextRv(),
          keys: from.keys,
          fingerprints: from.fingerprints,
          peeringTokenLabel: true,
          managed: true,
        },
      ];
      return;
    }
    case 'dialer': {
      if (!w) return;
      const facts = resourceFacts(step);
      w.dialers = [
        ...w.dialers.filter((d) => !(d.name === facts.name && d.namespace === facts.namespace)),
        facts,
      ];
      return;
    }
    case 'export': {
      if (!w) return;
      const o = step.params.object;
      const current = w.exports.find((e) => e.name === o.metadata.name);
      const merged = mergeExports(current?.services ?? [], current?.owned ?? [], o.spec.services as never);
      w.exports = [
        ...w.exports.filter((e) => e !== current),
        ...(merged.services.length === 0
          ? []
          : [
              {
                name: o.metadata.name,
                namespace: current?.namespace ?? o.metadata.namespace,
                resourceVersion: nextRv(),
                managed: current?.managed ?? true,
                synced: true,
                deleting: false,
                owned: merged.owned,
                services: merged.services,
              },
            ]),
      ];
      return;
    }
    default:
      if (!w || !applyTrafficStep(w, step, nextRv)) applyPrune(world, step);
  }
}

function applyPrune(world: World, step: Step): void {
  const w = world[step.lane];
  if (!w || !step.kind.startsWith('prune-')) return;
  const { namespace, name } = step.params as { namespace: string; name: string };
  const is = (x: { name: string; namespace: string }) => x.name === name && x.namespace === namespace;
  if (step.kind === 'prune-acceptor') {
    const a = w.acceptors.find(is);
    w.acceptors = w.acceptors.filter((x) => !is(x));
    if (a)
      w.tokenSecrets = w.tokenSecrets.filter(
        (s) => !(s.name === a.secretName && s.namespace === a.namespace),
      );
    w.consulPeerings = w.consulPeerings.filter((p) => p.name !== name);
    terminatePeer(world, a?.peering, 'dialer');
  } else if (step.kind === 'prune-dialer') {
    const d = w.dialers.find(is);
    w.dialers = w.dialers.filter((x) => !is(x));
    w.consulPeerings = w.consulPeerings.filter((p) => p.name !== name);
    terminatePeer(world, d?.peering, 'acceptor');
  } else if (step.kind === 'prune-token-secret') w.tokenSecrets = w.tokenSecrets.filter((x) => !is(x));
  else if (step.kind === 'prune-export') w.exports = w.exports.filter((x) => !is(x));
}

/** Deleting one side sends Terminated to the other. */
function terminatePeer(world: World, peeringId: string | undefined, other: 'acceptor' | 'dialer'): void {
  if (!peeringId) return;
  const [a = '', d = ''] = peeringId.split('>');
  const [cluster = '', partition = 'default'] = (other === 'acceptor' ? a : d).split('/');
  for (const p of world[placeLabel(cluster, partition)]?.consulPeerings ?? [])
    if (p.peerId === peeringId) p.state = 'TERMINATED';
}

/** The dialer controller and Consul: establish with the copied token if it was never used. */
function settle(world: World, t: Topology): void {
  for (const p of t.peerings) {
    const a = world[p.acceptor.install];
    const d = world[p.dialer.install];
    if (!a || !d) continue;
    const dialer = d.dialers.find(
      (x) => x.name === p.acceptor.peerName && x.namespace === p.tokenSecret.dialerNamespace,
    );
    const copy = d.tokenSecrets.find(
      (s) => s.name === p.tokenSecret.name && s.namespace === p.tokenSecret.dialerNamespace,
    );
    const accPeering = a.consulPeerings.find(
      (x) => x.name === p.dialer.peerName && x.partition === p.acceptor.partition,
    );
    const source = a.tokenSecrets.find(
      (s) => s.name === p.tokenSecret.name && s.namespace === p.tokenSecret.acceptorNamespace,
    );
    const key = p.tokenSecret.key;
    if (!dialer || !copy || !accPeering || !source || copy.fingerprints[key] !== source.fingerprints[key])
      continue;
    if (dialer.statusSecretResourceVersion === copy.resourceVersion) continue;
    const updated = { ...dialer, statusSecretResourceVersion: copy.resourceVersion };
    d.dialers = d.dialers.map((x) => (x === dialer ? updated : x));
    if (accPeering.state !== 'PENDING') continue; // a used token: Consul answers 403
    accPeering.state = 'ACTIVE';
    accPeering.peerId = p.id;
    d.consulPeerings = d.consulPeerings.filter(
      (x) => !(x.name === p.acceptor.peerName && x.partition === p.dialer.partition),
    );
    d.consulPeerings.push({
      name: p.acceptor.peerName,
      partition: p.dialer.partition,
      state: 'ACTIVE',
      peerId: p.id,
      remoteDatacenter: p.acceptor.cluster,
      importedServices: [],
      exportedServices: [],
    });
  }
}

/** Applies the unblocked steps of a plan, then lets controllers and Consul settle. */
export function applyPlan(t: Topology, observed: ObservedState, plan: Plan): ObservedState {
  const world = toWorld(t, observed);
  for (const step of plan.steps) if (step.blockedBy === undefined) applyStep(world, step);
  settle(world, t);
  return fromWorld(observed, world);
}

/** Applies only the first `count` steps (a half-done apply). */
export function applyPrefix(t: Topology, observed: ObservedState, plan: Plan, count: number): ObservedState {
  return applyPlan(t, observed, { ...plan, steps: plan.steps.slice(0, count) });
}

/** An oracle independent of the planner: what is still wrong in the world for this topology. */
export function worldProblems(t: Topology, observed: ObservedState): string[] {
  const problems: string[] = [];
  const side = (cluster: string) => {
    const c = observed.clusters[cluster];
    return c?.reachable && c.consul.reachable ? { c, peerings: c.consul.peerings } : undefined;
  };
  for (const p of t.peerings) {
    const a = side(p.acceptor.install);
    const d = side(p.dialer.install);
    const accState = a?.peerings.find((x) => x.name === p.dialer.peerName)?.state;
    const dialState = d?.peerings.find((x) => x.name === p.acceptor.peerName)?.state;
    if (accState !== 'ACTIVE' || dialState !== 'ACTIVE')
      problems.push(`${p.id}: acceptor ${accState}, dialer ${dialState}`);
  }
  const peered = new Set(t.peerings.flatMap((p) => [p.acceptor.install, p.dialer.install]));
  const servers = new Set([...peered].map((name) => t.clusters.find((c) => c.name === name)?.server ?? name));
  for (const name of servers)
    if (side(name)?.c.mesh?.peerThroughMeshGateways !== true) problems.push(`${name}: mesh`);
  for (const name of peered) {
    const c = side(name)?.c;
    const mode = t.peerings.find(
      (p) => (p.acceptor.install === name || p.dialer.install === name) && p.meshGatewayMode !== undefined,
    )?.meshGatewayMode;
    if (mode !== undefined && c?.proxyDefaults?.meshGatewayMode !== mode)
      problems.push(`${name}: proxy-defaults`);
  }
  for (const e of t.exports) {
    const name =
      e.partition === 'default' && !t.clusters.some((c) => c.name === e.install && c.enterprise)
        ? 'default'
        : e.partition;
    const services = side(e.install)?.c.exports.find((x) => x.name === name)?.services ?? [];
    const want = e.services
      .map((s) => s.name)
      .sort()
      .join();
    if (
      services
        .map((s) => s.name)
        .sort()
        .join() !== want
    )
      problems.push(`${e.install}: exports`);
  }
  return [...problems, ...trafficProblems(t, observed)];
}
