/**
 * What the data plane of an install reads from its Consul servers: the facts proxycfg watches and
 * turns into Envoy configuration (config entries, the intention decision over the destination's
 * intentions, local instances with their checks, instances imported from peers). The simulated
 * Consul serves it in process (SimulatedConsul.traffic); as Envoy keeps serving its last
 * configuration while the servers are down, so does the sandbox's data plane, whose state outlives
 * a server restart.
 */
import type { ConfigEntry } from '../consul/config-entry-store.ts';
import type {
  IntentionDecisionResult,
  IntentionDestinationRef,
  IntentionSourceRef,
} from '../consul/intention-decision.ts';
import type { CheckServiceNode } from '../peering/index.ts';

/** A config entry with Go field names, as the data plane reads it (a stored entry's fields suffice). */
export type ConfigEntryLike = Readonly<Record<string, unknown>> & {
  readonly Kind: string;
  readonly Name: string;
};

/** The reads the data plane makes. */
export interface DataPlaneConsul {
  configEntry(kind: string, name: string, partition?: string): ConfigEntry | undefined;
  configEntries(kind: string, partition?: string): readonly ConfigEntry[];
  /** Consul's decision for a connection into `destination`, as the destination's RBAC encodes it. */
  intentionDecision(
    source: IntentionSourceRef,
    destination: IntentionDestinationRef,
  ): IntentionDecisionResult;
  /** IntentionDefaultAllow: true without ACLs, the ACL default policy (the chart's: deny) with them. */
  readonly intentionDefaultAllow: boolean;
  localInstances(service: string, partition?: string): CheckServiceNode[];
  importedInstances(peer: string, service: string, partition?: string): CheckServiceNode[];
}
