/**
 * A simulated Consul server for one sandbox cluster: Consul's HTTP API (peering, config entries,
 * ACL, catalog and health with `?peer=`, admin partitions when enterprise) on loopback, and the
 * peering protocol over TLS gRPC through src/peering, as acceptor and dialer. Faults (part 5 of
 * issue 5) act on the same state the API serves.
 */
import type { PeerStreamOptions } from '../../peering/index.ts';
import type { HelmAclOptions, HelmAclTokens } from './acl/helm-acl-tokens.ts';
import type { CatalogServiceSpec } from './catalog-store.ts';
import { adminTargets, type ConsulFaults, createFaults } from './consul-faults.ts';
import { createConsulPeeringStore } from './consul-peering-store.ts';
import { ConsulRuntime } from './consul-runtime.ts';
import { DialerPool } from './dialer-pool.ts';
import { aclRoutes } from './http/acl-routes.ts';
import { adminRoutes } from './http/admin-routes.ts';
import type { ApiContext } from './http/api-context.ts';
import { catalogRoutes } from './http/catalog-routes.ts';
import { configRoutes } from './http/config-routes.ts';
import { peeringRoutes } from './http/peering-routes.ts';
import { PeeringService } from './peering-service.ts';
import { ServerState } from './server-state.ts';

export type { HelmAclTokens } from './acl/helm-acl-tokens.ts';
export type { ConsulFaults } from './consul-faults.ts';

/** How to start a simulated server. */
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
  heartbeatIntervalMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  /** Reconnect backoff of this server's dialers (Consul: 2^n s capped at 64 s). */
  reconnectBackoff?: PeerStreamOptions['backoff'] | undefined;
  /** How long a deleted peering stays DELETING before its cleanup removes it (default 500 ms). */
  deletionDelayMs?: number | undefined;
  host?: string | undefined;
}

/** A running simulated server. */
export interface SimulatedConsul {
  readonly cluster: string;
  readonly datacenter: string;
  /** `http://127.0.0.1:PORT`. */
  readonly httpUrl: string;
  /** `127.0.0.1:PORT`, the peering gRPC TLS port. */
  readonly peeringAddress: string;
  /** `server.<dc>.peering.<trust-domain>`. */
  readonly serverName: string;
  readonly caPem: string;
  readonly acl?: HelmAclTokens;
  /** The mesh gateway's address (`host:port`); tokens carry it when the mesh entry peers through gateways. */
  setGatewayAddress(address: string | undefined): void;
  readonly faults: ConsulFaults;
  stop(): Promise<void>;
}

/** The listeners of a server: peering gRPC behind its relay, and the HTTP API with every route file. */
function buildRuntime(
  state: ServerState,
  options: ConsulServerOptions,
  api: ApiContext,
  dialers: DialerPool,
  peerings: PeeringService,
): ConsulRuntime {
  const { identity } = state;
  return new ConsulRuntime({
    host: state.host,
    tls: { certPem: identity.certPem, keyPem: identity.keyPem, serverName: identity.serverName },
    peeringStore: createConsulPeeringStore(state.store, state.exportContext()),
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs,
    http: {
      store: state.store,
      acl: state.acl?.store,
      enterprise: state.enterprise,
      partitions: state.partitions,
      latencyMs: () => state.latencyMs,
    },
    routes: [
      ...peeringRoutes(api),
      ...configRoutes(api),
      ...aclRoutes(api),
      ...catalogRoutes(api),
      ...adminRoutes(api),
    ],
    dialers,
    afterStart: () => peerings.resumeDialers(),
  });
}

/** Starts a simulated Consul server on loopback. */
export async function startConsulServer(options: ConsulServerOptions): Promise<SimulatedConsul> {
  const state = await ServerState.create(options);
  const dialers = new DialerPool({
    store: state.store,
    exports: state.exportContext(),
    datacenter: options.datacenter,
    host: state.host,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs,
    backoff: options.reconnectBackoff,
  });
  const peerings = new PeeringService({
    store: state.store,
    dialers,
    datacenter: options.datacenter,
    serverName: state.identity.serverName,
    caPem: state.identity.caPem,
    enterprise: state.enterprise,
    acceptor: () => state.runtime?.acceptor(),
    tokenAddresses: () => state.tokenAddresses(true),
    deletionDelayMs: options.deletionDelayMs ?? 500,
  });
  const faults = createFaults(state, dialers, peerings);
  const api: ApiContext = {
    store: state.store,
    config: state.config,
    catalog: state.catalog,
    acl: state.acl?.store,
    peerings,
    enterprise: state.enterprise,
    datacenter: options.datacenter,
    admin: adminTargets(state, faults),
  };
  const runtime = buildRuntime(state, options, api, dialers, peerings);
  state.runtime = runtime;
  await runtime.start();
  state.registerConsulService();
  return {
    cluster: options.cluster,
    datacenter: options.datacenter,
    httpUrl: `http://${state.host}:${runtime.ports.http}`,
    peeringAddress: state.peeringAddress(),
    serverName: state.identity.serverName,
    caPem: state.identity.caPem,
    ...(state.acl && { acl: state.acl.tokens }),
    setGatewayAddress: (address) => state.setGatewayAddress(address),
    faults,
    async stop() {
      await runtime.stop();
      peerings.dispose();
    },
  };
}
