/**
 * What meshpeer saw in the clusters: a read-only snapshot the planner diffs against. It holds
 * metadata and specs only; token values are never read into it.
 */

/** Consul peering states as the HTTP API reports them. */
export type PeeringState =
  | 'PENDING'
  | 'ESTABLISHING'
  | 'ACTIVE'
  | 'FAILING'
  | 'DELETING'
  | 'TERMINATED'
  | 'UNDEFINED';

/** The Consul Helm release as decoded from its Helm v3 release Secret. */
export interface HelmFacts {
  readonly release: string;
  readonly chartVersion: string;
  /** The Consul version the chart deploys (appVersion or global.image tag). */
  readonly consulVersion: string;
  /** The release's effective values: chart defaults merged with user config. */
  readonly values: {
    readonly peeringEnabled: boolean;
    readonly tlsEnabled: boolean;
    readonly meshGatewayEnabled: boolean;
    readonly connectInjectEnabled: boolean;
    readonly manageSystemACLs: boolean;
    readonly adminPartitionsEnabled: boolean;
  };
}

/** Common facts of a consul-k8s custom resource. */
export interface ResourceFacts {
  readonly name: string;
  readonly namespace: string;
  /** Labelled `app.kubernetes.io/managed-by: meshpeer`. */
  readonly managed: boolean;
  /** The `Synced` condition: true, false, or undefined when not reported yet. */
  readonly synced?: boolean;
  readonly syncedReason?: string;
  readonly syncedMessage?: string;
  readonly deleting: boolean;
}

/** The `Mesh` resource (name `mesh`). */
export interface MeshFacts extends ResourceFacts {
  readonly peerThroughMeshGateways: boolean;
}

/** The `ProxyDefaults` resource (name `global`). */
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
  /** Which partition it belongs to (meshpeer's annotation; `default` when absent). */
  readonly partition: string;
  /** The peering id meshpeer recorded on it, for resources meshpeer created. */
  readonly peering?: string;
}

/** A peering token Secret: metadata only. */
export interface TokenSecretFacts {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly keys: readonly string[];
  readonly peeringTokenLabel: boolean;
  readonly managed: boolean;
  /** On a copied Secret: the source Secret's resourceVersion when it was copied. */
  readonly copiedFromResourceVersion?: string;
}

/** An ExportedServices resource. */
export interface ExportFacts extends ResourceFacts {
  readonly partition: string;
  readonly services: ReadonlyArray<{
    readonly name: string;
    readonly namespace?: string;
    readonly consumers: ReadonlyArray<{
      readonly peer?: string;
      readonly partition?: string;
      readonly samenessGroup?: string;
    }>;
  }>;
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
  readonly importedServices: readonly string[];
  readonly exportedServices: readonly string[];
}

/** What Consul reports for one cluster. */
export type ConsulFacts =
  | {
      readonly reachable: true;
      readonly peerings: readonly ConsulPeeringFacts[];
      /** Permissions of meshpeer's own token; undefined when ACLs are off. */
      readonly reconcilerPermissions?: readonly string[];
      /** Permissions of the mesh gateway token; undefined when ACLs are off or it was not found. */
      readonly meshGatewayPermissions?: readonly string[];
    }
  | { readonly reachable: false; readonly error: string };

/** The mesh gateway Deployment's readiness. */
export interface GatewayFacts {
  readonly found: boolean;
  readonly replicas: number;
  readonly readyReplicas: number;
}

/** Everything observed in one reachable cluster. */
export interface ObservedCluster {
  readonly reachable: true;
  readonly helm?: HelmFacts;
  readonly mesh?: MeshFacts;
  readonly proxyDefaults?: ProxyDefaultsFacts;
  readonly gateway: GatewayFacts;
  readonly acceptors: readonly PeeringResourceFacts[];
  readonly dialers: readonly PeeringResourceFacts[];
  readonly tokenSecrets: readonly TokenSecretFacts[];
  readonly exports: readonly ExportFacts[];
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
