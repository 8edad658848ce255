/**
 * The mesh gateway of a sandbox cluster whose Helm values enable it: the `<release>-mesh-gateway`
 * Deployment (made ready by the emulator's Deployment simulator) and an SNI-routing TCP proxy that
 * exposes the local Consul server under its peering server name. The gateway's address is
 * registered with Consul, which puts it into tokens when the mesh entry peers through gateways.
 */
import { directTransport } from '../../consul/consul-transport.ts';
import type { InProcessKube } from '../kube/in-process-kube.ts';
import type { SandboxComponent } from '../sandbox-cluster.ts';
import { SniGateway, type SniGatewayCounters } from './sni-gateway.ts';

/** The part of a simulated Consul server a mesh gateway uses. */
export interface GatewayConsul {
  readonly httpUrl: string;
  readonly peeringAddress: string;
  readonly serverName: string;
  setGatewayAddress(address: string | undefined): void;
}

/** How to start a cluster's mesh gateway. */
export interface MeshGatewayOptions {
  objects: InProcessKube;
  consul: GatewayConsul;
  namespace: string;
  release: string;
  replicas?: number;
  /** The gateway's ACL token; with it, routes need `peering:read` (checked against Consul). */
  aclToken?: string;
  /** How long a permission check result is reused (default 1 s). */
  aclCheckTtlMs?: number;
  host?: string;
}

/** The component name under which a cluster's gateway is attached. */
export const MESH_GATEWAY_COMPONENT = 'mesh-gateway';

function deployment(options: MeshGatewayOptions): Parameters<InProcessKube['apply']>[0] {
  const labels = { app: 'consul', component: 'mesh-gateway', release: options.release };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${options.release}-mesh-gateway`,
      namespace: options.namespace,
      labels: { ...labels, chart: 'consul-helm', 'app.kubernetes.io/managed-by': 'Helm' },
    },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'mesh-gateway',
              image: 'hashicorp/consul-dataplane:1.6.1',
              ports: [{ name: 'gateway', containerPort: 8443 }],
            },
          ],
        },
      },
    },
  };
}

/**
 * Consul's `peer-servers` watch needs `peering:read` (consul-k8s PR #1685); without it the gateway
 * builds no peering routes. The check is cached briefly so a repaired policy takes effect soon.
 */
function peeringReadGuard(consul: GatewayConsul, token: string, ttlMs: number): () => Promise<boolean> {
  let cached: { at: number; ok: boolean } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.ok;
    try {
      const res = await directTransport(consul.httpUrl, { timeoutMs: 2000 }).send('GET', '/v1/peerings', {
        'x-consul-token': token,
      });
      cached = { at: Date.now(), ok: res.status === 200 };
    } catch {
      cached = { at: Date.now(), ok: false };
    }
    return cached.ok;
  };
}

/** A running mesh gateway. */
export class MeshGateway implements SandboxComponent {
  readonly name = MESH_GATEWAY_COMPONENT;

  private constructor(
    private readonly gateway: SniGateway,
    private readonly consul: GatewayConsul,
  ) {}

  /** Creates the Deployment, starts the proxy and registers its address with Consul. */
  static async start(options: MeshGatewayOptions): Promise<MeshGateway> {
    options.objects.apply(deployment(options), 'helm');
    const guard =
      options.aclToken === undefined
        ? undefined
        : peeringReadGuard(options.consul, options.aclToken, options.aclCheckTtlMs ?? 1000);
    const gateway = await SniGateway.start({
      ...(options.host !== undefined && { host: options.host }),
      ...(guard !== undefined && { guard }),
    });
    const consul = options.consul;
    // Resolved per connection: a restarted Consul server may come back on another port.
    gateway.setRoute(consul.serverName, () => consul.peeringAddress || undefined);
    consul.setGatewayAddress(gateway.address);
    return new MeshGateway(gateway, consul);
  }

  /** The gateway's `host:port` (its LAN and WAN address in the sandbox). */
  get address(): string {
    return this.gateway.address;
  }

  /** Routed and refused connections per SNI name. */
  counters(): SniGatewayCounters {
    return this.gateway.counters();
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    this.gateway.resetCounters();
  }

  /** What sandbox.json publishes. */
  endpoints(): Record<string, string> {
    return { address: this.gateway.address, routes: this.consul.serverName };
  }

  /** Deregisters the gateway from Consul and closes the proxy. */
  async stop(): Promise<void> {
    try {
      this.consul.setGatewayAddress(undefined);
    } catch {
      // Consul may already be stopped; nothing to deregister then.
    }
    await this.gateway.stop();
  }
}
