/** Everything the route files share: the stores, the peering service and the admin targets. */
import type { AclStore } from '../acl/acl-store.ts';
import type { CatalogStore, HealthStatus } from '../catalog-store.ts';
import type { ConfigEntryStore } from '../config-entry-store.ts';
import type { ConsulStore } from '../consul-store.ts';
import type { PeeringService } from '../peering-service.ts';

/** The fault controls the admin routes expose (a subset of SimulatedConsul's faults). */
export interface AdminTargets {
  dropStreams(peer?: string): void;
  deletePeering(name: string, partition?: string): Promise<void>;
  /** Stops the server and starts it again after `downMs` (it cannot be started over its own HTTP port). */
  restart(downMs: number): void;
  setLatency(ms: number): void;
  /** Makes server `index` (default: the next one) the Raft leader. */
  transferLeadership(index?: number): Promise<void>;
  setGatewayAddress(address: string | undefined): void;
  setServiceHealth(
    service: string,
    status: HealthStatus,
    options?: { partition?: string | undefined; instance?: string | undefined },
  ): number;
  status(): Record<string, unknown>;
}

/** The shared state of the HTTP API. */
export interface ApiContext {
  readonly store: ConsulStore;
  readonly config: ConfigEntryStore;
  readonly catalog: CatalogStore;
  readonly acl: AclStore | undefined;
  readonly peerings: PeeringService;
  readonly enterprise: boolean;
  readonly datacenter: string;
  /** `<cluster-id>.consul`, the trust domain local SNIs end with. */
  readonly trustDomain: string;
  /** Consul's IntentionDefaultAllow (true without ACLs; the ACL default policy, deny, otherwise). */
  readonly intentionDefaultAllow: boolean;
  readonly admin: AdminTargets;
}
