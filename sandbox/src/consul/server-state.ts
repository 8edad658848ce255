/**
 * The state of one cluster's simulated servers that outlives restarts and, like Raft's replicated
 * state, is shared by every server: stores, TLS identity, ACLs, the mesh gateway address, injected
 * latency, which server leads, plus the addresses tokens carry (spec 3.3: the mesh gateways when
 * the default partition's mesh entry peers through them, else every server in the catalog).
 */
import type { AclStore } from './acl/acl-store.ts';
import { createHelmAcls, type HelmAclOptions, type HelmAclTokens } from './acl/helm-acl-tokens.ts';
import { type CatalogServiceSpec, CatalogStore, type HealthStatus, makeInstance } from './catalog-store.ts';
import { ConfigEntryStore } from './config-entry-store.ts';
import { ConsulHttpError } from './consul-http-error.ts';
import { type ConsulIdentity, createConsulIdentity } from './consul-identity.ts';
import type { ConsulRuntime } from './consul-runtime.ts';
import { ConsulStore, isDialer } from './consul-store.ts';
import type { ExportContext } from './peering-exports.ts';
import type { ServerNode } from './server-node.ts';

/** What the state is built from (a subset of ConsulServerOptions). */
export interface ServerStateOptions {
  readonly cluster: string;
  readonly datacenter: string;
  readonly trustDomain?: string | undefined;
  readonly enterprise?: boolean | undefined;
  readonly partitions?: readonly string[] | undefined;
  readonly acls?: HelmAclOptions | undefined;
  readonly services?: readonly CatalogServiceSpec[] | undefined;
  readonly host?: string | undefined;
}

/** The `consul` service's servers as GetLocalServerAddresses reads them (peering_backend.go). */
function catalogServerAddresses(catalog: CatalogStore): string[] {
  return catalog.service('default', 'consul').flatMap((node) => {
    const address = node.Node?.TaggedAddresses.wan ?? node.Node?.Address ?? '';
    const meta = node.Service?.Meta ?? {};
    const port = [meta.grpc_tls_port, meta.grpc_port].map(Number).find((p) => p > 0);
    return port === undefined ? [] : [`${address}:${port}`];
  });
}

/** Everything a server keeps across stop and start. */
export class ServerState {
  readonly store = new ConsulStore();
  readonly config: ConfigEntryStore;
  readonly catalog: CatalogStore;
  readonly acl: { store: AclStore; tokens: HelmAclTokens } | undefined;
  readonly enterprise: boolean;
  readonly partitions: ReadonlySet<string>;
  readonly host: string;
  gateway: string | undefined;
  latencyMs = 0;
  runtime: ConsulRuntime | undefined;
  /** The servers, in StatefulSet order; filled in once by startConsulServer. */
  readonly servers: ServerNode[] = [];
  /** Index of the Raft leader in `servers`. */
  leader = 0;

  private constructor(
    readonly options: ServerStateOptions,
    readonly identity: ConsulIdentity,
  ) {
    this.enterprise = options.enterprise ?? false;
    this.host = options.host ?? '127.0.0.1';
    this.partitions = new Set(['default', ...(this.enterprise ? (options.partitions ?? []) : [])]);
    this.config = new ConfigEntryStore(this.store, this.enterprise);
    this.catalog = new CatalogStore(this.store, options.datacenter);
    this.catalog.seed(options.services ?? []);
    this.acl = options.acls?.enabled
      ? createHelmAcls({
          ...options.acls,
          enterprise: this.enterprise,
          datacenter: options.datacenter,
          nextIndex: () => this.store.touch('acl'),
        })
      : undefined;
  }

  /** Creates the state with a fresh CA and server certificate. */
  static async create(options: ServerStateOptions): Promise<ServerState> {
    return new ServerState(options, await createConsulIdentity(options.datacenter, options.trustDomain));
  }

  /** The leading server. */
  leaderNode(): ServerNode | undefined {
    return this.servers[this.leader];
  }

  /** The leader's peering gRPC address (stable across restarts). */
  peeringAddress(): string {
    return this.leaderNode()?.peeringAddress ?? `${this.host}:0`;
  }

  /** Each server's name, peering address and whether it leads, in StatefulSet order. */
  serverInfos(): { name: string; peeringAddress: string; leader: boolean }[] {
    return this.servers.map((s, i) => ({
      name: s.name,
      peeringAddress: s.peeringAddress,
      leader: i === this.leader,
    }));
  }

  /** Moves leadership to server `index`; returns the previous leader, or undefined when unchanged. */
  moveLeader(index: number): ServerNode | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.servers.length) {
      throw new Error(`no server ${index}: this cluster runs ${this.servers.length} server(s)`);
    }
    const previous = this.leaderNode();
    if (index === this.leader) return undefined;
    this.leader = index;
    return previous;
  }

  /** Token ServerAddresses; `strict` refuses like Consul when gateways are required but missing. */
  tokenAddresses(strict: boolean): readonly string[] {
    const servers = catalogServerAddresses(this.catalog);
    if (!this.config.peerThroughMeshGateways()) {
      if (servers.length > 0 || !strict) return servers;
      throw new ConsulHttpError(
        500,
        'a grpc bind port must be specified in the configuration for all servers',
      );
    }
    if (this.gateway !== undefined) return [this.gateway];
    if (!strict) return servers;
    throw new ConsulHttpError(
      500,
      'servers are configured to PeerThroughMeshGateways, but no mesh gateway instances are registered',
    );
  }

  /** What every peering's exports are computed from. */
  exportContext(): ExportContext {
    return {
      store: this.store,
      config: this.config,
      catalog: this.catalog,
      trustDomain: this.identity.trustDomain,
      caPem: this.identity.caPem,
      serverAddresses: () => this.tokenAddresses(false),
    };
  }

  /**
   * Sets (or clears) a mesh gateway of a partition, registered as its `mesh-gateway` service with a
   * WAN address. Only the default partition's gateways go into tokens: Consul lists
   * `meshGatewayAdresses` with acl.DefaultEnterpriseMeta() and reads the mesh entry's
   * PeerThroughMeshGateways in the default partition (agent/consul/peering_backend.go
   * GetLocalServerAddresses); another partition's gateway carries data plane traffic only.
   */
  setGatewayAddress(address: string | undefined, partition = 'default'): void {
    this.requirePartition(partition);
    if (partition === 'default') this.gateway = address;
    const colon = address?.lastIndexOf(':') ?? -1;
    const nodes =
      address === undefined
        ? []
        : [
            makeInstance({
              datacenter: this.options.datacenter,
              node: 'mesh-gateway-node',
              address: address.slice(0, colon),
              service: 'mesh-gateway',
              id: 'mesh-gateway',
              kind: 'mesh-gateway',
              port: Number(address.slice(colon + 1)),
              taggedAddresses: { wan: address },
            }),
          ];
    this.catalog.replaceService(partition, 'mesh-gateway', nodes);
  }

  /** Adds catalog services in their partitions (which these servers must host). */
  addServices(specs: readonly CatalogServiceSpec[]): void {
    for (const spec of specs) this.requirePartition(spec.partition ?? 'default');
    this.catalog.seed(specs);
  }

  /**
   * Consul's IntentionDefaultAllow: allow when ACLs are off, else the ACL default policy, which the
   * chart sets to deny (server-acl-init), so deny.
   */
  get intentionDefaultAllow(): boolean {
    return this.acl === undefined;
  }

  /**
   * Marks the checks of a local service's instances (or of one instance) passing, warning or
   * critical; peerings exporting it replicate the change. Refuses a service this partition lacks.
   */
  setServiceHealth(service: string, status: HealthStatus, partition = 'default', serviceID?: string): number {
    this.requirePartition(partition);
    const instances = this.catalog.service(partition, service);
    if (instances.length === 0)
      throw new Error(
        `no service "${service}" is registered in partition "${partition}" of ${this.options.cluster}`,
      );
    if (serviceID !== undefined && !instances.some((i) => i.Service?.ID === serviceID))
      throw new Error(`service "${service}" has no instance "${serviceID}" in partition "${partition}"`);
    this.catalog.setHealth(partition, service, status, serviceID);
    return serviceID === undefined ? instances.length : 1;
  }

  private requirePartition(partition: string): void {
    if (!this.partitions.has(partition))
      throw new Error(`the servers of ${this.options.cluster} host no admin partition "${partition}"`);
  }

  /**
   * Registers every server as an instance of the `consul` service, as each server registers itself
   * (agent/consul/leader.go reconcileMember): its RPC port, the gRPC TLS port in meta.
   */
  registerConsulService(): void {
    const nodes = this.servers.map((server) =>
      makeInstance({
        datacenter: this.options.datacenter,
        node: server.name,
        address: server.host,
        service: 'consul',
        id: 'consul',
        port: server.rpcPortNumber,
        meta: {
          grpc_tls_port: String(server.grpcTlsPort),
          raft_version: '3',
          non_voter: 'false',
          read_replica: 'false',
        },
      }),
    );
    this.catalog.replaceService('default', 'consul', nodes);
  }

  /** A summary for the admin API; never includes secrets. */
  status(): Record<string, unknown> {
    return {
      cluster: this.options.cluster,
      datacenter: this.options.datacenter,
      serverName: this.identity.serverName,
      enterprise: this.enterprise,
      partitions: [...this.partitions],
      acls: this.acl !== undefined,
      running: this.runtime?.running ?? false,
      api: this.runtime?.ports ?? {},
      peeringAddress: this.peeringAddress(),
      servers: this.serverInfos(),
      gatewayAddress: this.gateway ?? null,
      latencyMs: this.latencyMs,
      peerings: this.store.listPeerings().map((p) => ({
        name: p.name,
        partition: p.partition,
        role: isDialer(p) ? 'dialer' : 'acceptor',
        storedState: p.state,
      })),
    };
  }
}
