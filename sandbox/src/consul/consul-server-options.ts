/** The options and the handle of a cluster's simulated Consul servers (see consul-server.ts). */
import type { PeeringTrustBundle, PeerStreamOptions } from '../peering/index.ts';
import type { HelmAclOptions, HelmAclTokens } from './acl/helm-acl-tokens.ts';
import type { CatalogServiceSpec } from './catalog-store.ts';
import type { ConsulFaults } from './consul-faults.ts';
import type { ConsulTrafficView } from './consul-traffic-view.ts';

/** How to start a cluster's simulated servers. */
export interface ConsulServerOptions {
  cluster: string;
  datacenter: string;
  /** `<cluster-id>.consul`; a fresh UUID-based one by default. */
  trustDomain?: string | undefined;
  enterprise?: boolean | undefined;
  /** Admin partitions besides `default` (enterprise only). */
  partitions?: string[] | undefined;
  acls?: HelmAclOptions | undefined;
  services?: CatalogServiceSpec[] | undefined;
  /** `server.replicas` (chart default 1; 3 or 5 in production). Server 0 leads at start. */
  servers?: number | undefined;
  /** `consul.fullname`: servers are `<fullname>-server-N` (default `consul-consul`, a default install's). */
  fullname?: string | undefined;
  /** The release namespace, named in the HTTPS certificate (default `consul`). */
  namespace?: string | undefined;
  /** `global.domain` (chart default `consul`). */
  domain?: string | undefined;
  /**
   * The API listeners: plain HTTP (port `http`, only when TLS is off or `global.tls.httpsOnly` is
   * false) and HTTPS (port `https`, with `global.tls.enabled`), the latter with a certificate from
   * `ca` (the chart's `<fullname>-ca-cert`) or a fresh CA. Default: plain HTTP only.
   */
  api?: { http: boolean; https: boolean; ca?: { certPem: string; keyPem: string } | undefined } | undefined;
  /** Outgoing heartbeat period; Consul's default is 15 s. */
  heartbeatIntervalMs?: number | undefined;
  /** Incoming heartbeat timeout; Consul's default is 2 minutes. */
  idleTimeoutMs?: number | undefined;
  /** Reconnect backoff of the leader's dialers (Consul: 2^n s capped at 64 s). */
  reconnectBackoff?: PeerStreamOptions['backoff'] | undefined;
  /** How long a deleted peering stays DELETING before its cleanup removes it (default 500 ms). */
  deletionDelayMs?: number | undefined;
  host?: string | undefined;
}

/** One server as the cluster shows it. */
export interface ConsulServerInfo {
  /** `<fullname>-server-N`. */
  readonly name: string;
  /** `host:port` of its peering gRPC TLS listener. */
  readonly peeringAddress: string;
  readonly leader: boolean;
}

/**
 * The Connect CA and the trust bundles imported from peers, what proxycfg hands a sidecar's Envoy
 * (roots, leaf signing, TrustBundleListByService); the sandbox's data plane (sandbox/src/traffic)
 * reads them. Consul's HTTP API has no endpoint for peers' trust bundles.
 */
export interface ConnectMaterial {
  /** `<cluster-id>.consul`: the host of every SPIFFE ID this CA signs. */
  readonly trustDomain: string;
  /** The CA certificate peers receive in this cluster's trust bundle. */
  readonly caPem: string;
  readonly caKeyPem: string;
  /** The trust bundles imported from a partition's peers (PeerName: the local name of the peer). */
  peerTrustBundles(partition: string): readonly PeeringTrustBundle[];
}

/** A cluster's running simulated servers. */
export interface SimulatedConsul {
  readonly cluster: string;
  readonly datacenter: string;
  /** `http://127.0.0.1:PORT`, when the plain HTTP listener runs. */
  readonly httpUrl?: string;
  /** `https://127.0.0.1:PORT`, when the HTTPS listener runs. */
  readonly httpsUrl?: string;
  /** What in-cluster clients use: the HTTPS URL when it runs, else the HTTP one. */
  readonly apiUrl: string;
  /** The CA that signed the HTTPS certificate (the chart's Secret `<fullname>-ca-cert`, key `tls.crt`). */
  readonly apiCaPem?: string;
  /** The leader's peering gRPC TLS address. */
  readonly peeringAddress: string;
  /** Every server, in StatefulSet order. */
  readonly servers: readonly ConsulServerInfo[];
  /** `server.<dc>.peering.<trust-domain>`. */
  readonly serverName: string;
  /** The Connect CA (peering TLS). */
  readonly caPem: string;
  readonly acl?: HelmAclTokens;
  /** The Connect CA and peers' trust bundles, for the data plane. */
  readonly connect: ConnectMaterial;
  /** The stream intervals in effect. */
  readonly intervals: { readonly heartbeatIntervalMs: number; readonly idleTimeoutMs: number };
  /**
   * Registers (or with undefined removes) a mesh gateway's address (`host:port`) as the
   * `mesh-gateway` service of a partition (default `default`). Tokens carry only the default
   * partition's gateways, when the mesh entry peers through gateways.
   */
  setGatewayAddress(address: string | undefined, partition?: string): void;
  /**
   * Registers catalog services, as a partition install's endpoints controller registers the
   * services of its Kubernetes cluster in its partition; an unknown partition is refused.
   */
  addServices(services: readonly CatalogServiceSpec[]): void;
  readonly faults: ConsulFaults;
  /** The traffic config entries, intention decisions, instances and imports, for the data plane. */
  readonly traffic: ConsulTrafficView;
  stop(): Promise<void>;
}
