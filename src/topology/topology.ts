/**
 * The resolved desired state every other module consumes: defaults applied, shorthands expanded,
 * peer names and Secret names computed, collections sorted so output built from it is stable.
 */
import type { Permission, SecretRef } from './schema.ts';

/**
 * One Consul install with every default resolved: a cluster's own install (it serves the default
 * partition and runs the servers) or a partition install (consul-k8s serves one partition per
 * install). Everything per cluster in meshpeer (clients, lanes, observation) is per install.
 */
export interface ClusterSpec {
  /** The install's key: the cluster's name for its own install, `cluster/partition` for a partition's. */
  readonly name: string;
  /** The cluster (datacenter) the install belongs to, as peerings.yaml names it. */
  readonly cluster: string;
  /** The admin partition this install serves (`default` for the cluster's own install). */
  readonly partition: string;
  /** For a partition install: the key of the cluster's own install, where the servers run. */
  readonly server?: string;
  readonly context: string;
  readonly kubeconfig?: string;
  readonly enterprise: boolean;
  /** Every partition of the cluster, `default` first. */
  readonly partitions: readonly string[];
  readonly peerThroughMeshGateways: boolean;
  readonly consul: {
    readonly namespace: string;
    readonly release: string;
    /** The chart's consul.fullname when peerings.yaml overrides it; else derived from the release. */
    readonly fullname?: string;
    /** Declared Helm values, for installs without a release Secret. */
    readonly helmValues?: Readonly<Record<string, unknown>>;
    readonly datacenter: string;
    /** The Consul version the servers run, when peerings.yaml declares it (`1.16.2`, `1.17.0-ent`). */
    readonly version?: string;
    readonly address?: string;
    /** Where the CA of Consul's HTTPS certificate comes from, for an https address. */
    readonly caCert?: CaCertRef;
    readonly aclToken?: Required<SecretRef>;
  };
}

/** A PEM CA in a Secret key or in a file. */
export type CaCertRef =
  | { readonly secret: string; readonly key: string; readonly namespace: string }
  | { readonly file: string };

/** One side of a peering. */
export interface Endpoint {
  readonly cluster: string;
  readonly partition: string;
  /** The key of the install that serves this place (ClusterSpec.name). */
  readonly install: string;
  /** The name the other side's Consul knows this endpoint by. */
  readonly peerName: string;
}

/** A peering with both endpoints, the token Secret and the data-plane settings resolved. */
export interface PeeringSpec {
  /** Stable id: `acceptor-cluster/partition>dialer-cluster/partition`. */
  readonly id: string;
  readonly acceptor: Endpoint;
  readonly dialer: Endpoint;
  /** Declared mode for ProxyDefaults; undefined leaves ProxyDefaults alone (Consul's default is remote). */
  readonly meshGatewayMode?: 'local' | 'remote';
  /** Where the token Secret lives, in both clusters (the same name and key on each side). */
  readonly tokenSecret: {
    readonly name: string;
    readonly key: string;
    readonly acceptorNamespace: string;
    readonly dialerNamespace: string;
  };
}

/** A consumer of an exported service: exactly one field is set. */
export type Consumer =
  | { readonly peer: string }
  | { readonly partition: string }
  | { readonly samenessGroup: string };

/** The services one cluster and partition exports. */
export interface ExportSpec {
  readonly cluster: string;
  readonly partition: string;
  /** The key of the install that serves this place (ClusterSpec.name). */
  readonly install: string;
  readonly services: ReadonlyArray<{
    readonly name: string;
    readonly namespace?: string;
    readonly consumers: readonly Consumer[];
  }>;
}

/** Where a traffic setting lives: one cluster and partition, served by one install. */
export interface Place {
  readonly cluster: string;
  readonly partition: string;
  /** The key of the install that serves this place (ClusterSpec.name). */
  readonly install: string;
}

/** One source an intention admits or refuses: a service of a peer, or `*` for all of that peer's. */
export interface IntentionSource {
  /** The peer name the destination's install knows the source's cluster and partition by. */
  readonly peer: string;
  readonly service: string;
  readonly namespace?: string;
  readonly action: 'allow' | 'deny';
}

/** The intentions of one destination service: meshpeer's sources of its ServiceIntentions. */
export interface IntentionSpec extends Place {
  readonly destination: string;
  readonly namespace?: string;
  /** Sorted by peer, then service. */
  readonly sources: readonly IntentionSource[];
}

/** Failover of one service: ordered peer targets, or a sameness group (Enterprise); one is set. */
export interface FailoverSpec extends Place {
  readonly service: string;
  readonly namespace?: string;
  /** Peer names as this install knows them, in failover order. */
  readonly targets: ReadonlyArray<{ readonly peer: string }>;
  readonly samenessGroup?: string;
}

/** A member of a sameness group: a partition of the same cluster, or a peer. */
export type SamenessMember = { readonly partition: string } | { readonly peer: string };

/** A sameness group in one install (Consul Enterprise 1.16+). */
export interface SamenessGroupSpec extends Place {
  readonly name: string;
  readonly defaultForFailover: boolean;
  readonly includeLocal: boolean;
  /** In the order failover tries them. */
  readonly members: readonly SamenessMember[];
}

/** ACL requirements with defaults applied. */
export interface AclSpec {
  readonly enabled: boolean;
  readonly reconcilerRequires: readonly Permission[];
  readonly meshGatewayRequires: readonly Permission[];
  /** A static gateway token's Secret; undefined means the chart's role `<fullname>-mesh-gateway-acl-role`. */
  readonly meshGatewayTokenSecret?: SecretRef;
}

/** Verification options in milliseconds. */
export interface VerifySpec {
  /** A side is receiving when its last message from the peer is younger. */
  readonly heartbeatMaxAgeMs: number;
  /** The side-effect-free handshake through the acceptor's gateway. */
  readonly handshake: boolean;
  /** The opt-in deep probe that creates a temporary peering. */
  readonly probe: boolean;
  readonly timeoutMs: number;
}

/** The desired state of a whole peering topology. */
export interface Topology {
  readonly name: string;
  /** Every install: each cluster's own and each partition's, sorted by key. */
  readonly clusters: readonly ClusterSpec[];
  readonly peerings: readonly PeeringSpec[];
  readonly exports: readonly ExportSpec[];
  /** Sorted by install, then destination. */
  readonly intentions: readonly IntentionSpec[];
  /** Sorted by install, then service. */
  readonly failover: readonly FailoverSpec[];
  /** Sorted by install, then name. */
  readonly samenessGroups: readonly SamenessGroupSpec[];
  readonly acls: AclSpec;
  readonly verify: VerifySpec;
  readonly prune: { readonly enabled: boolean; readonly allowAll: boolean };
}
