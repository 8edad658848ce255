/**
 * The simulated Consul servers of one sandbox cluster, as the chart's server StatefulSet runs them:
 * `server.replicas` servers sharing one replicated state, one of them the Raft leader, each with
 * its own peering gRPC TLS listener; Consul's HTTP API (peering, config entries, ACL, catalog and
 * health with `?peer=`, admin partitions when enterprise) over HTTP and/or HTTPS; the peering
 * protocol through src/peering as acceptor and dialer; faults (issue 5 part 5) on the same state.
 */
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_IDLE_TIMEOUT_MS } from '../peering/index.ts';
import { type ApiTlsMaterial, issueApiCertificate } from './api-certificate.ts';
import { adminTargets, type ConsulFaults, createFaults } from './consul-faults.ts';
import { createConsulPeeringStore } from './consul-peering-store.ts';
import { ConsulRuntime } from './consul-runtime.ts';
import type { ConsulServerOptions, SimulatedConsul } from './consul-server-options.ts';
import { createTrafficView } from './consul-traffic-view.ts';
import { DialerPool } from './dialer-pool.ts';
import { aclRoutes } from './http/acl-routes.ts';
import { adminRoutes } from './http/admin-routes.ts';
import type { ApiContext } from './http/api-context.ts';
import { catalogRoutes } from './http/catalog-routes.ts';
import { configRoutes } from './http/config-routes.ts';
import { discoveryChainRoutes } from './http/discovery-chain-routes.ts';
import { intentionRoutes } from './http/intention-routes.ts';
import { peeringRoutes } from './http/peering-routes.ts';
import { PeeringService } from './peering-service.ts';
import { ServerNode } from './server-node.ts';
import { ServerState } from './server-state.ts';

export type { HelmAclTokens } from './acl/helm-acl-tokens.ts';
export type { ConsulFaults } from './consul-faults.ts';
export type {
  ConnectMaterial,
  ConsulServerInfo,
  ConsulServerOptions,
  SimulatedConsul,
} from './consul-server-options.ts';

/**
 * Each server pod has its own IP. Every 127/8 address is loopback on Linux, so there server N
 * listens on 127.0.0.(N+1) and the servers' addresses differ by host as in a cluster; elsewhere
 * (macOS routes only 127.0.0.1) they share the host and differ by port.
 */
function serverHost(host: string, index: number): string {
  if (host !== '127.0.0.1' || process.platform !== 'linux' || index > 253) return host;
  return `127.0.0.${index + 1}`;
}

function createServerNodes(state: ServerState, options: ConsulServerOptions): ServerNode[] {
  const count = options.servers ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error('servers must be a positive integer');
  const { identity } = state;
  const peeringStore = createConsulPeeringStore(state.store, state.exportContext());
  return Array.from(
    { length: count },
    (_, index) =>
      new ServerNode({
        name: `${options.fullname ?? 'consul-consul'}-server-${index}`,
        host: serverHost(state.host, index),
        tls: { certPem: identity.certPem, keyPem: identity.keyPem, serverName: identity.serverName },
        peeringStore,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        leadership: {
          isLeader: () => state.leader === index,
          leaderAddress: () => state.leaderNode()?.rpcAddress ?? '',
        },
      }),
  );
}

function routesOf(api: ApiContext) {
  return [
    ...peeringRoutes(api),
    ...configRoutes(api),
    ...intentionRoutes(api),
    ...discoveryChainRoutes(api),
    ...aclRoutes(api),
    ...catalogRoutes(api),
    ...adminRoutes(api),
  ];
}

async function apiTls(options: ConsulServerOptions): Promise<ApiTlsMaterial | undefined> {
  if (options.api !== undefined && !options.api.http && !options.api.https) {
    throw new Error('the Consul API needs a listener: turn on api.http or api.https');
  }
  if (options.api?.https !== true) return undefined;
  const names = {
    datacenter: options.datacenter,
    fullname: options.fullname ?? 'consul-consul',
    namespace: options.namespace ?? 'consul',
    domain: options.domain ?? 'consul',
  };
  return issueApiCertificate(names, options.api.ca);
}

function services(state: ServerState, options: ConsulServerOptions) {
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
    // Streams land on the leader only, so its tracker is the one reads consult.
    acceptor: () => state.leaderNode()?.acceptor(),
    tokenAddresses: () => state.tokenAddresses(true),
    deletionDelayMs: options.deletionDelayMs ?? 500,
  });
  return { dialers, peerings };
}

/** The listeners over the state, with every route file and the admin targets. */
function buildRuntime(
  state: ServerState,
  options: ConsulServerOptions,
  tls: ApiTlsMaterial | undefined,
): { runtime: ConsulRuntime; peerings: PeeringService; faults: ConsulFaults } {
  const { dialers, peerings } = services(state, options);
  const faults = createFaults(state, dialers, peerings);
  const api: ApiContext = {
    store: state.store,
    config: state.config,
    catalog: state.catalog,
    acl: state.acl?.store,
    peerings,
    enterprise: state.enterprise,
    datacenter: options.datacenter,
    trustDomain: state.identity.trustDomain,
    intentionDefaultAllow: state.intentionDefaultAllow,
    admin: adminTargets(state, faults),
  };
  const runtime = new ConsulRuntime({
    host: state.host,
    nodes: state.servers,
    http: {
      store: state.store,
      acl: state.acl?.store,
      enterprise: state.enterprise,
      partitions: state.partitions,
      latencyMs: () => state.latencyMs,
    },
    routes: routesOf(api),
    api: { http: options.api?.http ?? true, https: tls },
    dialers,
    afterStart: () => peerings.resumeDialers(),
  });
  return { runtime, peerings, faults };
}

/** Starts a cluster's simulated Consul servers on loopback. */
export async function startConsulServer(options: ConsulServerOptions): Promise<SimulatedConsul> {
  const state = await ServerState.create(options);
  state.servers.push(...createServerNodes(state, options));
  const tls = await apiTls(options);
  const { runtime, peerings, faults } = buildRuntime(state, options, tls);
  state.runtime = runtime;
  await runtime.start();
  state.registerConsulService();
  const { http, https } = runtime.ports;
  const httpUrl = http > 0 ? `http://${state.host}:${http}` : undefined;
  const httpsUrl = https > 0 ? `https://${state.host}:${https}` : undefined;
  return {
    cluster: options.cluster,
    datacenter: options.datacenter,
    ...(httpUrl !== undefined && { httpUrl }),
    ...(httpsUrl !== undefined && { httpsUrl }),
    apiUrl: httpsUrl ?? httpUrl ?? '',
    ...(tls !== undefined && { apiCaPem: tls.caPem }),
    get peeringAddress() {
      return state.peeringAddress();
    },
    get servers() {
      return state.serverInfos();
    },
    serverName: state.identity.serverName,
    caPem: state.identity.caPem,
    ...(state.acl && { acl: state.acl.tokens }),
    connect: {
      trustDomain: state.identity.trustDomain,
      caPem: state.identity.caPem,
      caKeyPem: state.identity.caKeyPem,
      peerTrustBundles: (partition) =>
        state.store.listPeerings(partition).flatMap((p) => {
          const bundle =
            p.state === 'DELETING' ? undefined : state.store.imports(p.id).snapshot().trustBundle;
          return bundle === undefined ? [] : [bundle];
        }),
    },
    intervals: {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
    setGatewayAddress: (address, partition) => state.setGatewayAddress(address, partition),
    addServices: (specs) => state.addServices(specs),
    faults,
    traffic: createTrafficView(state, peerings),
    async stop() {
      await runtime.stop();
      peerings.dispose();
    },
  };
}
