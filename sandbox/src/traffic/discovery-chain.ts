/**
 * The targets of an upstream in the order Envoy tries them, compiled from config entries as
 * hashicorp/consul agent/consul/discoverychain/compile.go does for a TCP service: the service in
 * the caller's partition first, then the failover targets of its `service-resolver`
 * (`Failover["*"]`: `Targets` in order, rewritten from the primary target by rewriteTarget, where a
 * `Peer` target keeps the service name, takes the namespace given or `default`, and a target equal
 * to the primary is dropped), or the members of the sameness group the failover names, or, with no
 * failover configured, the members of the partition's sameness group marked
 * `DefaultForFailover` (Enterprise, compile_ent.go is not public: members in order, the caller's
 * own partition skipped). Envoy builds an aggregate cluster of these and sends traffic to the first
 * with a healthy endpoint (agent/xds/clusters.go makeAggregateCluster / failover).
 * Simplified: no redirects, subsets, splitters or routers, and no datacenter failover.
 */
import type { ConfigEntryLike } from './data-plane-consul.ts';

/** One target of a chain: a service in a partition of this cluster, or imported from a peer. */
export interface ChainTarget {
  readonly service: string;
  readonly namespace: string;
  /** The partition the instances are looked up in (the caller's for a peer target). */
  readonly partition: string;
  /** The local name of the peer the service is imported from; '' for a local target. */
  readonly peer: string;
}

/** The config entries a chain is compiled from. */
export interface ChainEntries {
  /** The `service-resolver` named after the service, in the caller's partition. */
  readonly resolver?: ConfigEntryLike | undefined;
  /** The caller partition's `sameness-group` entries. */
  readonly samenessGroups?: readonly ConfigEntryLike[];
}

type Json = Readonly<Record<string, unknown>>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => v !== null && typeof v === 'object') as Json[]) : [];
}

function sameTarget(a: ChainTarget, b: ChainTarget): boolean {
  return (
    a.service === b.service && a.namespace === b.namespace && a.partition === b.partition && a.peer === b.peer
  );
}

/** rewriteTarget for one failover target definition. */
function rewrite(primary: ChainTarget, def: Json): ChainTarget {
  const service = str(def.Service) || primary.service;
  const peer = str(def.Peer);
  if (peer !== '')
    return { service, namespace: str(def.Namespace) || 'default', partition: primary.partition, peer };
  return {
    service,
    namespace: str(def.Namespace) || primary.namespace,
    partition: str(def.Partition) || primary.partition,
    peer: '',
  };
}

/** The targets a sameness group's members give, in member order. */
function memberTargets(primary: ChainTarget, group: Json | undefined): ChainTarget[] {
  return list(group?.Members).map((m) => rewrite(primary, { Peer: m.Peer, Partition: m.Partition }));
}

function failoverDefinitions(primary: ChainTarget, entries: ChainEntries): ChainTarget[] {
  const groups = entries.samenessGroups ?? [];
  const failover = (entries.resolver?.Failover ?? {}) as Record<string, Json | undefined>;
  const definition = failover[''] ?? failover['*'];
  if (definition !== undefined) {
    const targets = list(definition.Targets);
    if (targets.length > 0) return targets.map((t) => rewrite(primary, t));
    const group = str(definition.SamenessGroup);
    if (group !== '')
      return memberTargets(
        primary,
        groups.find((g) => g.Name === group),
      );
    // Service, Namespace (and Datacenters, not simulated) at the top level: one rewritten target.
    return [rewrite(primary, definition)];
  }
  return memberTargets(
    primary,
    groups.find((g) => g.DefaultForFailover === true),
  );
}

/** The ordered targets of `service` as seen from `partition`. */
export function compileChain(
  service: string,
  namespace: string,
  partition: string,
  entries: ChainEntries,
): ChainTarget[] {
  const primary: ChainTarget = { service, namespace: namespace || 'default', partition, peer: '' };
  const out = [primary];
  for (const target of failoverDefinitions(primary, entries)) {
    if (!out.some((t) => sameTarget(t, target))) out.push(target);
  }
  return out;
}

/** The mesh gateway mode of a partition's `proxy-defaults` (`''` when unset). */
export function meshGatewayModeOf(proxyDefaults: ConfigEntryLike | undefined): string {
  const gateway = proxyDefaults?.MeshGateway as Json | undefined;
  return str(gateway?.Mode);
}

/**
 * Whether an endpoint takes traffic, as agent/xds/endpoints.go calculateEndpointHealthAndWeight
 * decides without `OnlyPassing`: any critical check (or maintenance, which is critical) makes it
 * unhealthy; warning stays healthy.
 */
export function isHealthy(checks: readonly { readonly Status: string }[]): boolean {
  return checks.every((check) => check.Status !== 'critical' && check.Status !== 'maintenance');
}
