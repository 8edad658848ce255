/**
 * What the sandbox's data plane reads from a cluster's simulated Consul, as Envoy's xDS config is
 * derived from it in real Consul: the traffic config entries, the intention decision the
 * destination's sidecar enforces (agent/xds/rbac.go over the same intentions and default), local
 * instances with their checks, instances imported from a peer (health as replicated), and the
 * live state of a peering. Read-only; `onChange` fires after every write to the server state.
 */
import type { CheckServiceNode } from '../peering/index.ts';
import { allowAll } from './acl/acl-authorizer.ts';
import type { ConfigEntry } from './config-entry-store.ts';
import {
  type IntentionDecisionResult,
  type IntentionDestinationRef,
  type IntentionSourceRef,
  intentionDecision,
} from './intention-decision.ts';
import type { PeeringService } from './peering-service.ts';
import type { ServerState } from './server-state.ts';

/** A peering as the data plane needs it. */
export interface PeeringView {
  /** `ACTIVE`, `FAILING`, `PENDING`, `ESTABLISHING`, `DELETING` or `TERMINATED`, as `GET /v1/peering` shows. */
  readonly state: string;
  /** Names the peer exports to this side that have been imported. */
  readonly importedServices: readonly string[];
}

/** The read side of one cluster's Consul for traffic. */
export interface ConsulTrafficView {
  /** One config entry (`service-intentions`, `service-resolver`, `sameness-group`, ...). */
  configEntry(kind: string, name: string, partition?: string, namespace?: string): ConfigEntry | undefined;
  /** Every entry of a kind in a partition, by name. */
  configEntries(kind: string, partition?: string): ConfigEntry[];
  /** Consul's decision for a connection into `destination` (its partition, default `default`). */
  intentionDecision(
    source: IntentionSourceRef,
    destination: IntentionDestinationRef,
  ): IntentionDecisionResult;
  /** True without ACLs; the ACL default policy (deny) otherwise. */
  readonly intentionDefaultAllow: boolean;
  /** Local instances of a service, with their checks. */
  localInstances(service: string, partition?: string): CheckServiceNode[];
  /** Instances of `service` imported from peering `peer` of `partition`, checks as replicated. */
  importedInstances(peer: string, service: string, partition?: string): CheckServiceNode[];
  /** A peering of `partition` by name, undefined when there is none. */
  peering(name: string, partition?: string): PeeringView | undefined;
  /** Calls `listener` after every write (config, catalog, imports, peerings); returns unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** The view over a server's state. */
export function createTrafficView(state: ServerState, peerings: PeeringService): ConsulTrafficView {
  return {
    configEntry: (kind, name, partition = 'default', namespace = 'default') =>
      state.config.get(partition, kind, name, namespace),
    configEntries: (kind, partition = 'default') => state.config.list(partition, kind),
    intentionDecision(source, destination) {
      const partition = destination.partition ?? 'default';
      return intentionDecision(
        state.config.list(partition, 'service-intentions'),
        source,
        destination,
        state.intentionDefaultAllow,
        state.config.list(partition, 'sameness-group'),
      );
    },
    get intentionDefaultAllow() {
      return state.intentionDefaultAllow;
    },
    localInstances: (service, partition = 'default') => state.catalog.service(partition, service),
    importedInstances(peer, service, partition = 'default') {
      const record = state.store.peeringByName(partition, peer);
      if (record === undefined) return [];
      return [...(state.store.imports(record.id).snapshot().services.get(service) ?? [])];
    },
    peering(name, partition = 'default') {
      const json = peerings.read(allowAll, name, partition);
      if (json === undefined) return undefined;
      const stream = json.StreamStatus as { ImportedServices?: readonly string[] | null } | undefined;
      return { state: String(json.State), importedServices: stream?.ImportedServices ?? [] };
    },
    onChange: (listener) => state.store.onChange(() => listener()),
  };
}
