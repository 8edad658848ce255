/**
 * The compiled discovery chain `GET /v1/discovery-chain/:service` returns, for a TCP service with
 * at most a `service-resolver` (hashicorp/consul agent/consul/discoverychain/compile.go, JSON of
 * agent/structs/discovery_chain.go): one resolver node whose Target is the service in the caller's
 * partition and datacenter, and whose Failover.Targets are the resolver's `Failover["*"]` targets
 * (rewriteTarget: a Peer target keeps the service, takes its namespace or `default`), the members
 * of the sameness group it names, or, without failover, those of the partition's group marked
 * DefaultForFailover; targets equal to the primary are dropped. Target IDs are ChainID's
 * (`svc.ns.ap.dc`, `svc.ns.ap.external.peer`), local SNIs agent/connect/sni.go ServiceSNI's.
 *
 * Simplified: no routers, splitters, redirects, subsets or datacenter failover; the protocol is
 * `tcp` (service-defaults are not simulated); peer targets carry no SNI (Consul fills it from the
 * peer's trust bundle when it builds Envoy clusters); the sameness-group expansion follows the
 * documented behaviour (compile_ent.go is not public). Virtual IPs are empty.
 */
import type { ConfigEntry } from './config-entry-store.ts';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

type Rec = Record<string, unknown>;

/** Where a chain is compiled and with which entries. */
export interface ChainContext {
  readonly service: string;
  readonly namespace: string;
  readonly partition: string;
  readonly datacenter: string;
  readonly trustDomain: string;
  readonly resolver: ConfigEntry | undefined;
  readonly samenessGroups: readonly ConfigEntry[];
  /** The mesh gateway mode of the partition's proxy-defaults ('' when unset). */
  readonly meshGatewayMode: string;
}

interface Target {
  readonly service: string;
  readonly namespace: string;
  readonly partition: string;
  readonly datacenter: string;
  readonly peer: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Rec[] =>
  Array.isArray(v) ? v.filter((x): x is Rec => x !== null && typeof x === 'object') : [];

/** ChainID of a target. */
export function chainId(t: Target): string {
  if (t.peer !== '') return `${t.service}.${t.namespace}.${t.partition}.external.${t.peer}`;
  return `${t.service}.${t.namespace}.${t.partition}.${t.datacenter}`;
}

/** ServiceSNI for a local target without subset. */
function serviceSni(t: Target, trustDomain: string): string {
  if (t.partition === 'default') return `${t.service}.${t.namespace}.${t.datacenter}.internal.${trustDomain}`;
  return `${t.service}.${t.namespace}.${t.partition}.${t.datacenter}.internal-v1.${trustDomain}`;
}

function rewrite(primary: Target, def: Rec): Target {
  const service = str(def.Service) || primary.service;
  const peer = str(def.Peer);
  if (peer !== '')
    return { ...primary, service, namespace: str(def.Namespace) || 'default', datacenter: '', peer };
  return {
    service,
    namespace: str(def.Namespace) || primary.namespace,
    partition: str(def.Partition) || primary.partition,
    datacenter: str(def.Datacenter) || primary.datacenter,
    peer: '',
  };
}

function members(primary: Target, group: ConfigEntry | undefined): Target[] {
  return recs(group?.Members).map((m) => rewrite(primary, { Peer: m.Peer, Partition: m.Partition }));
}

function failoverTargets(primary: Target, ctx: ChainContext): Target[] {
  const failover = (ctx.resolver?.Failover ?? {}) as Record<string, Rec | undefined>;
  const def = failover['*'];
  let targets: Target[];
  if (def === undefined)
    targets = members(
      primary,
      ctx.samenessGroups.find((g) => g.DefaultForFailover === true),
    );
  else if (recs(def.Targets).length > 0) targets = recs(def.Targets).map((t) => rewrite(primary, t));
  else if (str(def.SamenessGroup) !== '')
    targets = members(
      primary,
      ctx.samenessGroups.find((g) => g.Name === def.SamenessGroup),
    );
  else targets = [rewrite(primary, def)];
  // Each target is tried once: repeats and the primary itself are left out.
  const unique = new Map<string, Target>();
  for (const t of targets)
    if (chainId(t) !== chainId(primary) && !unique.has(chainId(t))) unique.set(chainId(t), t);
  return [...unique.values()];
}

function targetJson(t: Target, ctx: ChainContext, connectTimeout: string): Rec {
  const local = t.peer === '';
  const sni = local ? serviceSni(t, ctx.trustDomain) : '';
  return {
    ID: chainId(t),
    Service: t.service,
    Namespace: t.namespace,
    Partition: t.partition,
    ...(t.datacenter !== '' && { Datacenter: t.datacenter }),
    ...(!local && { Peer: t.peer }),
    MeshGateway: ctx.meshGatewayMode === '' ? {} : { Mode: ctx.meshGatewayMode },
    Subset: {},
    TransparentProxy: {},
    ConnectTimeout: connectTimeout,
    ...(!local && { External: true }),
    ...(local && { SNI: sni, Name: sni }),
  };
}

/** The `Chain` object of the endpoint's answer. */
export function compileDiscoveryChain(ctx: ChainContext): Rec {
  const primary: Target = {
    service: ctx.service,
    namespace: ctx.namespace,
    partition: ctx.partition,
    datacenter: ctx.datacenter,
    peer: '',
  };
  const failover = failoverTargets(primary, ctx);
  const timeout = formatGoDuration(parseGoDuration(str(ctx.resolver?.ConnectTimeout)) || 5e9);
  const node = chainId(primary);
  const usesSameness = ctx.samenessGroups.some((g) => g.DefaultForFailover === true);
  return {
    ServiceName: ctx.service,
    Namespace: ctx.namespace,
    Partition: ctx.partition,
    Datacenter: ctx.datacenter,
    ...(ctx.resolver === undefined && !usesSameness && { Default: true }),
    Protocol: 'tcp',
    StartNode: `resolver:${node}`,
    Nodes: {
      [`resolver:${node}`]: {
        Type: 'resolver',
        Name: node,
        Resolver: {
          ...(ctx.resolver === undefined && { Default: true }),
          ConnectTimeout: timeout,
          Target: node,
          ...(failover.length > 0 && { Failover: { Targets: failover.map(chainId) } }),
        },
      },
    },
    Targets: Object.fromEntries(
      [primary, ...failover].map((t) => [chainId(t), targetJson(t, ctx, timeout)] as const),
    ),
    AutoVirtualIPs: null,
    ManualVirtualIPs: null,
  };
}
