/**
 * The targets of an upstream in the order Envoy tries them, read from the compiled discovery chain
 * proxycfg hands the caller's sidecar (the simulated Consul's compileDiscoveryChain, after
 * hashicorp/consul agent/consul/discoverychain/compile.go): the resolver node's Target, then its
 * Failover.Targets (the `service-resolver`'s failover targets, a sameness group's members, or the
 * partition's DefaultForFailover group). Envoy builds an aggregate cluster of these and sends
 * traffic to the first with a healthy endpoint (agent/xds/clusters.go, the failover clusters);
 * agent/xds/endpoints.go decides which endpoints are healthy.
 */
import type { ConfigEntry } from '../consul/config-entry-store.ts';
import { compileDiscoveryChain } from '../consul/discovery-chain.ts';
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

/** Where a chain is compiled, and the config entries it is compiled from. */
export interface ChainEntries {
  readonly datacenter: string;
  readonly trustDomain: string;
  /** The `service-resolver` named after the service, in the caller's partition. */
  readonly resolver?: ConfigEntry | undefined;
  /** The caller partition's `sameness-group` entries. */
  readonly samenessGroups?: readonly ConfigEntry[];
}

type Json = Readonly<Record<string, unknown>>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function record(value: unknown): Json {
  return value !== null && typeof value === 'object' ? (value as Json) : {};
}

/** The ordered targets of `service` as seen from `partition`. */
export function compileChain(
  service: string,
  namespace: string,
  partition: string,
  entries: ChainEntries,
): ChainTarget[] {
  const chain = compileDiscoveryChain({
    service,
    namespace: namespace || 'default',
    partition,
    datacenter: entries.datacenter,
    trustDomain: entries.trustDomain,
    resolver: entries.resolver,
    samenessGroups: entries.samenessGroups ?? [],
    meshGatewayMode: '',
  });
  const resolver = record(record(record(chain.Nodes)[str(chain.StartNode)]).Resolver);
  const failover = record(resolver.Failover).Targets;
  const ids = [str(resolver.Target), ...(Array.isArray(failover) ? failover.map(str) : [])];
  const targets = record(chain.Targets);
  return ids.map((id) => {
    const t = record(targets[id]);
    return {
      service: str(t.Service),
      namespace: str(t.Namespace),
      partition: str(t.Partition),
      peer: str(t.Peer),
    };
  });
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
