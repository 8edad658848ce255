/**
 * The state of one simulated server that outlives restarts: stores, TLS identity, ACLs, the mesh
 * gateway address and injected latency, plus the addresses it advertises (spec 3.3: the mesh
 * gateway when the default partition's mesh entry peers through gateways, the server otherwise).
 */
import type { AclStore } from './acl/acl-store.ts';
import { createHelmAcls, type HelmAclOptions, type HelmAclTokens } from './acl/helm-acl-tokens.ts';
import { type CatalogServiceSpec, CatalogStore, makeInstance } from './catalog-store.ts';
import { ConfigEntryStore } from './config-entry-store.ts';
import { ConsulHttpError } from './consul-http-error.ts';
import { type ConsulIdentity, createConsulIdentity } from './consul-identity.ts';
import type { ConsulRuntime } from './consul-runtime.ts';
import { ConsulStore, isDialer } from './consul-store.ts';
import type { ExportContext } from './peering-exports.ts';

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

  /** The public peering gRPC address (stable across restarts). */
  peeringAddress(): string {
    return `${this.host}:${this.runtime?.ports.peering ?? 0}`;
  }

  /** Token ServerAddresses; `strict` refuses like Consul when gateways are required but missing. */
  tokenAddresses(strict: boolean): readonly string[] {
    if (!this.config.peerThroughMeshGateways()) return [this.peeringAddress()];
    if (this.gateway !== undefined) return [this.gateway];
    if (!strict) return [this.peeringAddress()];
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

  /** Sets (or clears) the mesh gateway and registers it as a `mesh-gateway` service with a WAN address. */
  setGatewayAddress(address: string | undefined): void {
    this.gateway = address;
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
    this.catalog.replaceService('default', 'mesh-gateway', nodes);
  }

  /** Registers the server itself as the `consul` service with its gRPC TLS port in meta. */
  registerConsulService(): void {
    const port = this.runtime?.ports.peering ?? 0;
    const node = makeInstance({
      datacenter: this.options.datacenter,
      node: `${this.options.cluster}-consul-server-0`,
      address: this.host,
      service: 'consul',
      id: 'consul',
      port: 8300,
      meta: { grpc_tls_port: String(port) },
    });
    this.catalog.replaceService('default', 'consul', [node]);
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
      httpUrl: `http://${this.host}:${this.runtime?.ports.http ?? 0}`,
      peeringAddress: this.peeringAddress(),
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
