/**
 * The mesh gateway of a sandbox cluster whose Helm values enable it: the chart's
 * `<fullname>-mesh-gateway` Deployment (made ready by the emulator's Deployment simulator), on
 * request its Service and ServiceAccount, and an SNI-routing TCP proxy. The default partition's
 * gateway exposes the local Consul servers under their peering server name and its address goes
 * into tokens when the mesh entry peers through gateways. A non-default partition's gateway
 * (a partition install's) is registered in its partition only and routes no peering control
 * traffic: Consul honours peerThroughMeshGateways and lists token addresses only in the default
 * partition (agent/consul/peering_backend.go). Every gateway routes service traffic once the
 * sandbox's data plane (sandbox/src/traffic) hands it a resolver of peered service names.
 */
import { directTransport } from '../../../src/consul/consul-transport.ts';
import type { InProcessKube } from '../kube/in-process-kube.ts';
import type { SandboxComponent } from '../sandbox-cluster.ts';
import {
  type MeshGatewayChartNames,
  meshGatewayDeployment,
  meshGatewayService,
  meshGatewayServiceAccount,
} from './mesh-gateway-objects.ts';
import { type RouteResolver, SniGateway, type SniGatewayCounters } from './sni-gateway.ts';

/** The part of a cluster's simulated Consul a mesh gateway uses. */
export interface GatewayConsul {
  /** The API URL in-cluster clients use (HTTPS when it runs). */
  readonly apiUrl: string;
  /** The CA of the HTTPS API, when it runs. */
  readonly apiCaPem?: string;
  /** Every server, read per connection (leadership and ports may change). */
  readonly servers: readonly { readonly peeringAddress: string }[];
  readonly serverName: string;
  setGatewayAddress(address: string | undefined, partition?: string): void;
}

/** How to start a cluster's mesh gateway. */
export interface MeshGatewayOptions {
  objects: InProcessKube;
  consul: GatewayConsul;
  namespace: string;
  release: string;
  /** `consul.fullname` of the install: objects are `<fullname>-mesh-gateway`. */
  fullname: string;
  /** `consul.name` (the chart name `consul` unless `nameOverride`), the `app` label. */
  name?: string;
  replicas?: number;
  /** Also render the chart's Service (`meshGateway.service.type`, port 443 → 8443). */
  service?: { type: string; port?: number };
  /** Also render the chart's ServiceAccount (the emulator must serve ServiceAccount). */
  serviceAccount?: boolean;
  /** The gateway's ACL token; with it, routes need `peering:read` (checked against Consul). */
  aclToken?: string;
  /** How long a permission check result is reused (default 1 s). */
  aclCheckTtlMs?: number;
  /** The admin partition the gateway is registered in (default `default`). */
  partition?: string;
  host?: string;
}

/** The component name under which a cluster's gateway is attached. */
export const MESH_GATEWAY_COMPONENT = 'mesh-gateway';

/**
 * Consul's `peer-servers` watch needs `peering:read` (consul-k8s PR #1685); without it the gateway
 * builds no peering routes. The check is cached briefly so a repaired policy takes effect soon.
 */
function peeringReadGuard(consul: GatewayConsul, token: string, ttlMs: number): () => Promise<boolean> {
  let cached: { at: number; ok: boolean } | undefined;
  const transport = directTransport(consul.apiUrl, {
    timeoutMs: 2000,
    ...(consul.apiCaPem !== undefined && { ca: consul.apiCaPem }),
  });
  return async () => {
    if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.ok;
    try {
      const res = await transport.send('GET', '/v1/peerings', { 'x-consul-token': token });
      cached = { at: Date.now(), ok: res.status === 200 };
    } catch {
      cached = { at: Date.now(), ok: false };
    }
    return cached.ok;
  };
}

/**
 * Envoy load-balances the `server.<dc>.peering.<trust-domain>` cluster round robin over every
 * server's gRPC TLS port (agent/xds/endpoints.go), so connections land on followers too and the
 * dialer retries; resolved per connection, as servers may restart or change leader.
 */
function roundRobin(consul: GatewayConsul): () => string | undefined {
  let next = 0;
  return () => {
    const servers = consul.servers;
    const server = servers[next % Math.max(1, servers.length)];
    next += 1;
    return server?.peeringAddress;
  };
}

function renderObjects(options: MeshGatewayOptions): void {
  const names: MeshGatewayChartNames = {
    namespace: options.namespace,
    release: options.release,
    fullname: options.fullname,
    name: options.name,
  };
  if (options.serviceAccount === true) options.objects.apply(meshGatewayServiceAccount(names), 'helm');
  if (options.service !== undefined) {
    options.objects.apply(meshGatewayService(names, options.service.type, options.service.port), 'helm');
  }
  options.objects.apply(meshGatewayDeployment(names, options.replicas ?? 1), 'helm');
}

/** A running mesh gateway. */
export class MeshGateway implements SandboxComponent {
  readonly name = MESH_GATEWAY_COMPONENT;

  private constructor(
    private readonly gateway: SniGateway,
    private readonly consul: GatewayConsul,
    private readonly partition: string,
  ) {}

  /** Renders the chart's objects, starts the proxy and registers its address with Consul. */
  static async start(options: MeshGatewayOptions): Promise<MeshGateway> {
    renderObjects(options);
    const guard =
      options.aclToken === undefined
        ? undefined
        : peeringReadGuard(options.consul, options.aclToken, options.aclCheckTtlMs ?? 1000);
    const gateway = await SniGateway.start({
      ...(options.host !== undefined && { host: options.host }),
      ...(guard !== undefined && { guard }),
    });
    const consul = options.consul;
    const partition = options.partition ?? 'default';
    if (partition === 'default') gateway.setRoute(consul.serverName, roundRobin(consul));
    consul.setGatewayAddress(gateway.address, partition);
    return new MeshGateway(gateway, consul, partition);
  }

  /** The gateway's `host:port` (its LAN and WAN address in the sandbox). */
  get address(): string {
    return this.gateway.address;
  }

  /** The admin partition the gateway serves. */
  get servedPartition(): string {
    return this.partition;
  }

  /**
   * Routes service traffic: the resolver maps a peered service's SNI to where its filter chain
   * sends it (a sidecar of an exported service, or a peer's gateway); undefined removes it.
   */
  routeServices(resolver: RouteResolver | undefined): void {
    this.gateway.setResolver(resolver);
  }

  /** Routed and refused connections per SNI name, routed ones per server. */
  counters(): SniGatewayCounters {
    return this.gateway.counters();
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    this.gateway.resetCounters();
  }

  /** What sandbox.json publishes. */
  endpoints(): Record<string, string> {
    const routes = this.partition === 'default' ? this.consul.serverName : '';
    return { address: this.gateway.address, partition: this.partition, routes };
  }

  /** Deregisters the gateway from Consul and closes the proxy. */
  async stop(): Promise<void> {
    try {
      this.consul.setGatewayAddress(undefined, this.partition);
    } catch {
      // Consul may already be stopped; nothing to deregister then.
    }
    await this.gateway.stop();
  }
}
