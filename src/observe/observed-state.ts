/**
 * What meshpeer saw in the clusters: a read-only snapshot the planner diffs against. It holds
 * metadata and specs only; token values are never read into it.
 */
import type { PeeringAddressFacts } from '../consul/token-addresses.ts';
import type { InstallFacts } from '../resources/consul-chart.ts';
import type { ExportedService } from '../resources/exported-services-merge.ts';
import type { SamenessFields } from '../resources/sameness-group-fields.ts';
import type { IntentionSourceEntry } from '../resources/service-intentions-merge.ts';

/** Consul peering states as the HTTP API reports them. */
export type PeeringState =
  | 'PENDING'
  | 'ESTABLISHING'
  | 'ACTIVE'
  | 'FAILING'
  | 'DELETING'
  | 'TERMINATED'
  | 'UNDEFINED';

/** The Consul install: its names and chart switches, from the release Secret, peerings.yaml or its objects. */
export type { InstallFacts, InstallSource, InstallValues } from '../resources/consul-chart.ts';

/** Common facts of a consul-k8s custom resource. */
export interface ResourceFacts {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  /** Labelled `app.kubernetes.io/managed-by: meshpeer`. */
  readonly managed: boolean;
  /** The `Synced` condition: true, false, or undefined when not reported yet. */
  readonly synced?: boolean;
  readonly syncedReason?: string;
  readonly syncedMessage?: string;
  readonly deleting: boolean;
}

/** The `Mesh` resource (name `mesh`, found in any namespace: consul-k8s allows one per cluster). */
export interface MeshFacts extends ResourceFacts {
  readonly peerThroughMeshGateways: boolean;
}

/** The `ProxyDefaults` resource (name `global`, found in any namespace). */
export interface ProxyDefaultsFacts extends ResourceFacts {
  readonly meshGatewayMode: string;
}

/** A PeeringAcceptor or PeeringDialer. */
export interface PeeringResourceFacts extends ResourceFacts {
  readonly secretName: string;
  readonly secretKey: string;
  readonly backend: string;
  /** The `consul.hashicorp.com/peering-version` annotation, if set. */
  readonly peeringVersion?: number;
  readonly latestPeeringVersion?: number;
  /** The resourceVersion of the token Secret the dialer last established with. */
  readonly statusSecretResourceVersion?: string;
  /** The peering id meshpeer recorded on it, for resources meshpeer created. */
  readonly peering?: string;
}

/** A peering token Secret: metadata and a keyed fingerprint of each value, never the values. */
export interface TokenSecretFacts {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly keys: readonly string[];
  /** Per data key, an HMAC under a key that never leaves this process: equal values, equal prints. */
  readonly fingerprints: Readonly<Record<string, string>>;
  /** Per data key holding a peering token, the ServerAddresses it lists (addresses are not secrets). */
  readonly serverAddresses?: Readonly<Record<string, readonly string[]>>;
  readonly peeringTokenLabel: boolean;
  readonly managed: boolean;
}

/** An ExportedServices resource. */
export interface ExportFacts extends ResourceFacts {
  /** The `service>consumer` entries meshpeer wrote last time (its ownership annotation). */
  readonly owned: readonly string[];
  readonly services: readonly ExportedService[];
}

/** A ServiceIntentions resource: the one of its destination, whatever the object is called. */
export interface IntentionsFacts extends ResourceFacts {
  /** `spec.destination.name`. */
  readonly destination: string;
  /** `spec.destination.namespace`, when set. */
  readonly destinationNamespace?: string;
  /** The source keys meshpeer wrote last time (its ownership annotation). */
  readonly owned: readonly string[];
  readonly sources: readonly IntentionSourceEntry[];
}

/** A ServiceResolver (named after its service). */
export interface ResolverFacts extends ResourceFacts {
  /** `spec.failover['*']`, when set. */
  readonly failover?: Readonly<Record<string, unknown>>;
  /** meshpeer recorded that it wrote `failover['*']`. */
  readonly ownsFailover: boolean;
  /** The spec holds fields besides `failover['*']` (others' subsets, redirect, timeouts). */
  readonly otherFields: boolean;
  /** A redirect is set: consul-k8s then refuses any failover. */
  readonly redirect: boolean;
}

/** A SamenessGroup (namespace `default`, named after the group). */
export interface SamenessGroupFacts extends ResourceFacts {
  readonly fields: SamenessFields;
}

/** A peering as Consul reports it (GET /v1/peerings). */
export interface ConsulPeeringFacts {
  readonly name: string;
  readonly partition: string;
  readonly state: PeeringState;
  readonly peerId: string;
  readonly remoteDatacenter: string;
  /** RFC 3339 time of the last heartbeat received, if any. */
  readonly lastHeartbeat?: string;
  /** RFC 3339 time of the last message received from the peer (data or heartbeat), if any. */
  readonly lastReceive?: string;
  readonly importedServices: readonly string[];
  readonly exportedServices: readonly string[];
}

/** Where the mesh gateways' permissions come from. */
export type GatewayAclSource =
  | { readonly via: 'role'; readonly role: string }
  | { readonly via: 'token-secret'; readonly secret: string }
  | { readonly via: 'none'; readonly why: string };

/** ACL facts of one cluster, when peerings.yaml expects ACLs. */
export interface AclFacts {
  /** Consul answered "ACL support disabled": the install runs without ACLs. */
  readonly disabled?: boolean;
  /** meshpeer's token was not found in its Secret. */
  readonly tokenMissing?: string;
  /** Permissions of meshpeer's own token (policies, roles and identities). */
  readonly reconcilerPermissions?: readonly string[];
  readonly meshGateway?: GatewayAclSource;
  /** Permissions of the mesh gateways (their role, or their static token). */
  readonly meshGatewayPermissions?: readonly string[];
}

/**
 * The services registered in an install's partition, read where its exports live: one list per
 * namespace the exports name (`default` for entries that name none).
 */
export interface CatalogFacts {
  /** Registered service names per namespace, sorted. */
  readonly services: Readonly<Record<string, readonly string[]>>;
  /** Namespaces whose list could not be read, with why (a sanitized Consul answer). */
  readonly unreadable: Readonly<Record<string, string>>;
  /**
   * meshpeer's token lacks `service:read`: Consul leaves out the services a token may not read
   * (agent/consul/acl.go filterServices) instead of refusing, so an absent name proves nothing.
   */
  readonly lacksServiceRead?: boolean;
}

/** What Consul reports for one cluster. */
export type ConsulFacts =
  | {
      readonly reachable: true;
      readonly peerings: readonly ConsulPeeringFacts[];
      /** Undefined when the install exports nothing or its peerings could not be read. */
      readonly catalog?: CatalogFacts;
      /** Undefined when peerings.yaml does not enable ACLs. */
      readonly acl?: AclFacts;
      /** Consul refused meshpeer's calls with 403 although peerings.yaml does not enable ACLs. */
      readonly aclRequired?: boolean;
      /** What tokens should list, read where the install accepts peerings through mesh gateways. */
      readonly peeringAddresses?: PeeringAddressFacts;
      /**
       * Consul's own exported-services entry of the install's partition: its `service>consumer`
       * keys (empty when there is none), or why it could not be read (a token without mesh:read);
       * undefined when the install exports nothing or Consul answered an error.
       */
      readonly exportEntry?:
        | { readonly name: string; readonly keys: readonly string[] }
        | { readonly name: string; readonly unreadable: string };
    }
  | { readonly reachable: false; readonly error: string };

/** The mesh gateway Deployment's readiness. */
export interface GatewayFacts {
  readonly found: boolean;
  /** The Deployment's name, `<fullname>-mesh-gateway`. */
  readonly name: string;
  readonly replicas: number;
  readonly readyReplicas: number;
}

/** Everything observed in one reachable cluster. */
export interface ObservedCluster {
  readonly reachable: true;
  /** Undefined when no release Secret, no declared values and no chart objects were found. */
  readonly install?: InstallFacts;
  readonly mesh?: MeshFacts;
  readonly proxyDefaults?: ProxyDefaultsFacts;
  readonly gateway: GatewayFacts;
  readonly acceptors: readonly PeeringResourceFacts[];
  readonly dialers: readonly PeeringResourceFacts[];
  readonly tokenSecrets: readonly TokenSecretFacts[];
  readonly exports: readonly ExportFacts[];
  /** Read when the install has intentions or pruning is on (else empty). */
  readonly intentions: readonly IntentionsFacts[];
  /** Read when the install has failover or pruning is on (else empty). */
  readonly resolvers: readonly ResolverFacts[];
  /** Read when the install has sameness groups or pruning is on (else empty). */
  readonly samenessGroups: readonly SamenessGroupFacts[];
  readonly consul: ConsulFacts;
}

/** A cluster that could not be observed. */
export interface UnreachableCluster {
  readonly reachable: false;
  readonly error: string;
}

/** The snapshot of every cluster in the topology, keyed by cluster name. */
export interface ObservedState {
  readonly clusters: Readonly<Record<string, ObservedCluster | UnreachableCluster>>;
}
