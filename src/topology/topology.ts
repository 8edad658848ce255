/**
 * The resolved desired state every other module consumes: defaults applied, shorthands expanded,
 * peer names and Secret names computed, collections sorted so output built from it is stable.
 */
import type { Permission, SecretRef } from './schema.ts';

/** A cluster with every default resolved. */
export interface ClusterSpec {
  readonly name: string;
  readonly context: string;
  readonly kubeconfig?: string;
  readonly enterprise: boolean;
  /** Every partition, `default` first. */
  readonly partitions: readonly string[];
  readonly peerThroughMeshGateways: boolean;
  readonly consul: {
    readonly namespace: string;
    readonly release: string;
    readonly datacenter: string;
    readonly address?: string;
    readonly aclToken?: Required<SecretRef>;
  };
}

/** One side of a peering. */
export interface Endpoint {
  readonly cluster: string;
  readonly partition: string;
  /** The name the other side's Consul knows this endpoint by. */
  readonly peerName: string;
}

/** A peering with both endpoints, the token Secret and the data-plane settings resolved. */
export interface PeeringSpec {
  /** Stable id: `acceptor-cluster/partition>dialer-cluster/partition`. */
  readonly id: string;
  readonly acceptor: Endpoint;
  readonly dialer: Endpoint;
  readonly meshGatewayMode: 'local' | 'remote';
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
  readonly services: ReadonlyArray<{
    readonly name: string;
    readonly namespace?: string;
    readonly consumers: readonly Consumer[];
  }>;
}

/** ACL requirements with defaults applied. */
export interface AclSpec {
  readonly enabled: boolean;
  readonly reconcilerRequires: readonly Permission[];
  readonly meshGatewayRequires: readonly Permission[];
  /** `secret` empty means: the Helm chart's `<release>-mesh-gateway-acl-token` in each cluster. */
  readonly meshGatewayTokenSecret?: SecretRef;
}

/** Verification options in milliseconds. */
export interface VerifySpec {
  readonly heartbeatMaxAgeMs: number;
  readonly probe: boolean;
  readonly timeoutMs: number;
}

/** The desired state of a whole peering topology. */
export interface Topology {
  readonly name: string;
  readonly clusters: readonly ClusterSpec[];
  readonly peerings: readonly PeeringSpec[];
  readonly exports: readonly ExportSpec[];
  readonly acls: AclSpec;
  readonly verify: VerifySpec;
  readonly prune: { readonly enabled: boolean; readonly allowAll: boolean };
}
