/**
 * A simulated Consul server for one sandbox cluster: Consul's HTTP API (peering, config entries,
 * ACL, catalog and health with `?peer=`, admin partitions when enterprise) on loopback, and the
 * peering protocol over TLS gRPC through src/peering, as acceptor and dialer. Faults (part 5 of
 * issue 5) act on the same state the API serves.
 */
import type { PeerStreamOptions } from '../../peering/index.ts';
import { allowAll } from './acl/acl-authorizer.ts';
import type { AclStore } from './acl/acl-store.ts';
import { createHelmAcls, type HelmAclTokens } from './acl/helm-acl-tokens.ts';
import { type CatalogServiceSpec, CatalogStore, makeInstance } from './catalog-store.ts';
import { ConfigEntryStore } from './config-entry-store.ts';
import { ConsulHttpError } from './consul-http-error.ts';
import { createConsulIdentity } from './consul-identity.ts';
import { createConsulPeeringStore } from './consul-peering-store.ts';
import { ConsulRuntime } from './consul-runtime.ts';
import { ConsulStore, isDialer } from './consul-store.ts';
import { DialerPool } from './dialer-pool.ts';
import { aclRoutes } from './http/acl-routes.ts';
import { adminRoutes } from './http/admin-routes.ts';
import type { AdminTargets, ApiContext } from './http/api-context.ts';
import { catalogRoutes } from './http/catalog-routes.ts';
import { configRoutes } from './http/config-routes.ts';
import { peeringRoutes } from './http/peering-routes.ts';
import type { ExportContext } from './peering-exports.ts';
import { PeeringService } from './peering-service.ts';

/** How to start a simulated server. */
export interface ConsulServerOptions {
  cluster: string;
  datacenter: string;
  /** `<cluster-id>.consul`; a fresh UUID-based one by default. */
  trustDomain?: string | undefined;
  enterprise?: boolean | undefined;
  /** Admin partitions besides `default` (enterprise only). */
  partitions?: string[] | undefined;
  acls?: { enabled: boolean; gatewayPolicyLacksPeeringRead?: boolean | undefined } | undefined;
  services?: CatalogServiceSpec[] | undefined;
  heartbeatIntervalMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  /** Reconnect backoff of this server's dialers (Consul: 2^n s capped at 64 s). */
  reconnectBackoff?: PeerStreamOptions['backoff'] | undefined;
  /** How long a deleted peering stays DELETING before its cleanup removes it (default 500 ms). */
  deletionDelayMs?: number | undefined;
  host?: string | undefined;
}

/** Fault injection on a running server. */
export interface ConsulFaults {
  /** Cuts live peering streams (all, or one peer's); dialers reconnect after their backoff. */
  dropStreams(peer?: string): void;
  /** Deletes a peering as `DELETE /v1/peering/:name` does, without ACL checks. */
  deletePeering(name: string, partition?: string): Promise<void>;
  /** Stops the server (HTTP and gRPC); state is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same ports. */
  start(): Promise<void>;
  /** Delays every HTTP answer by `ms`. */
  setLatency(ms: number): void;
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

/** Starts a simulated Consul server on loopback. */
export async function startConsulServer(options: ConsulServerOptions): Promise<SimulatedConsul> {
  const host = options.host ?? '127.0.0.1';
  const enterprise = options.enterprise ?? false;
  const partitions = new Set(['default', ...(enterprise ? (options.partitions ?? []) : [])]);
  const identity = await createConsulIdentity(options.datacenter, options.trustDomain);
  const store = new ConsulStore();
  const config = new ConfigEntryStore(store, enterprise);
  const catalog = new CatalogStore(store, options.datacenter);
  catalog.seed(options.services ?? []);
  let acl: { store: AclStore; tokens: HelmAclTokens } | undefined;
  if (options.acls?.enabled) {
    acl = createHelmAcls({
      enterprise,
      gatewayPolicyLacksPeeringRead: options.acls.gatewayPolicyLacksPeeringRead ?? false,
      nextIndex: () => store.touch('acl'),
    });
  }
  let gateway: string | undefined;
  let latency = 0;
  let runtime: ConsulRuntime | undefined;
  const peeringAddress = (): string => `${host}:${runtime?.ports.peering ?? 0}`;
  const tokenAddresses = (strict: boolean): readonly string[] => {
    if (!config.peerThroughMeshGateways()) return [peeringAddress()];
    if (gateway !== undefined) return [gateway];
    if (!strict) return [peeringAddress()];
    throw new ConsulHttpError(
      500,
      'servers are configured to PeerThroughMeshGateways, but no mesh gateway instances are registered',
    );
  };
  const exportContext: ExportContext = {
    store,
    config,
    catalog,
    trustDomain: identity.trustDomain,
    caPem: identity.caPem,
    serverAddresses: () => tokenAddresses(false),
  };
  const dialers = new DialerPool({
    store,
    exports: exportContext,
    datacenter: options.datacenter,
    host,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs,
    backoff: options.reconnectBackoff,
  });
  const peerings = new PeeringService({
    store,
    dialers,
    datacenter: options.datacenter,
    serverName: identity.serverName,
    caPem: identity.caPem,
    enterprise,
    acceptor: () => runtime?.acceptor(),
    tokenAddresses: () => tokenAddresses(true),
    deletionDelayMs: options.deletionDelayMs ?? 500,
  });
  // Never includes secrets: the admin API returns it to anyone holding operator:read.
  const status = (): Record<string, unknown> => ({
    cluster: options.cluster,
    datacenter: options.datacenter,
    serverName: identity.serverName,
    enterprise,
    partitions: [...partitions],
    acls: acl !== undefined,
    running: runtime?.running ?? false,
    httpUrl: `http://${host}:${runtime?.ports.http ?? 0}`,
    peeringAddress: peeringAddress(),
    gatewayAddress: gateway ?? null,
    latencyMs: latency,
    peerings: store.listPeerings().map((p) => ({
      name: p.name,
      partition: p.partition,
      role: isDialer(p) ? 'dialer' : 'acceptor',
      storedState: p.state,
    })),
  });
  const setGatewayAddress = (address: string | undefined): void => {
    gateway = address;
    const nodes =
      address === undefined
        ? []
        : [
            makeInstance({
              datacenter: options.datacenter,
              node: 'mesh-gateway-node',
              address: address.slice(0, address.lastIndexOf(':')),
              service: 'mesh-gateway',
              id: 'mesh-gateway',
              kind: 'mesh-gateway',
              port: Number(address.slice(address.lastIndexOf(':') + 1)),
              taggedAddresses: { wan: address },
            }),
          ];
    catalog.replaceService('default', 'mesh-gateway', nodes);
  };
  const faults: ConsulFaults = {
    dropStreams(peer) {
      const matches = (id: string): boolean => peer === undefined || store.peeringByID(id)?.name === peer;
      dialers.drop(matches);
      // Inbound streams share one TLS port: any matching acceptor peering cuts them all.
      if (store.listPeerings().some((p) => !isDialer(p) && matches(p.id))) runtime?.dropInbound();
    },
    deletePeering: (name, partition = 'default') => peerings.delete(allowAll, name, partition),
    stop: () => (runtime as ConsulRuntime).stop(),
    start: () => (runtime as ConsulRuntime).start(),
    setLatency(ms) {
      latency = Math.max(0, ms);
    },
  };
  const admin: AdminTargets = {
    dropStreams: faults.dropStreams,
    deletePeering: faults.deletePeering,
    restart(downMs) {
      // Answer the admin request first: stopping closes this very HTTP connection.
      setTimeout(() => {
        void faults.stop().then(() => setTimeout(() => void faults.start(), downMs));
      }, 20);
    },
    setLatency: faults.setLatency,
    setGatewayAddress,
    status,
  };
  const api: ApiContext = {
    store,
    config,
    catalog,
    acl: acl?.store,
    peerings,
    enterprise,
    datacenter: options.datacenter,
    admin,
  };
  runtime = new ConsulRuntime({
    host,
    tls: { certPem: identity.certPem, keyPem: identity.keyPem, serverName: identity.serverName },
    peeringStore: createConsulPeeringStore(store, exportContext),
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs,
    http: { store, acl: acl?.store, enterprise, partitions, latencyMs: () => latency },
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
  await runtime.start();
  const started = runtime;
  catalog.replaceService('default', 'consul', [
    makeInstance({
      datacenter: options.datacenter,
      node: `${options.cluster}-consul-server-0`,
      address: host,
      service: 'consul',
      id: 'consul',
      port: 8300,
      meta: { grpc_tls_port: String(started.ports.peering) },
    }),
  ]);
  return {
    cluster: options.cluster,
    datacenter: options.datacenter,
    httpUrl: `http://${host}:${started.ports.http}`,
    peeringAddress: peeringAddress(),
    serverName: identity.serverName,
    caPem: identity.caPem,
    ...(acl && { acl: acl.tokens }),
    setGatewayAddress,
    faults,
    async stop() {
      await started.stop();
      peerings.dispose();
    },
  };
}
