/**
 * The installs of a sandbox as the data plane sees them: each install's data plane with its mesh
 * gateway, found by sandbox cluster or by the trust domain and partition a trust bundle names, and
 * the round robin Envoy's default load balancer spreads connections with.
 */
import type { RouteResolver } from '../gateway/sni-gateway.ts';
import type { CheckServiceNode, PeeringTrustBundle } from '../peering/index.ts';
import { isHealthy } from './discovery-chain.ts';
import type { InstallDataPlane } from './install-data-plane.ts';

/** An install's gateway, as the data plane uses it. */
export interface MeshInstallGateway {
  readonly address: string;
  routeServices(resolver: RouteResolver | undefined): void;
}

/** One install: its data plane and, when the Helm values enable one, its mesh gateway. */
export interface MeshInstall {
  readonly plane: InstallDataPlane;
  readonly gateway?: MeshInstallGateway | undefined;
}

/** Every install of a sandbox. */
export class TrafficMesh {
  private readonly turns = new Map<string, number>();

  constructor(readonly installs: readonly MeshInstall[]) {}

  /** The install a sandbox cluster runs. */
  byCluster(cluster: string): MeshInstall | undefined {
    return this.installs.find((i) => i.plane.options.cluster === cluster);
  }

  /** The install serving `partition` of the datacenter whose CA has `trustDomain`. */
  byTrustDomain(trustDomain: string, partition: string): MeshInstall | undefined {
    const td = trustDomain.toLowerCase();
    return this.installs.find((i) => i.plane.trustDomain === td && i.plane.partition === partition);
  }

  /** The exporting install behind a peer's trust bundle (its trust domain and exported partition). */
  exporterOf(bundle: PeeringTrustBundle): MeshInstall | undefined {
    return this.byTrustDomain(bundle.TrustDomain, bundle.ExportedPartition || 'default');
  }

  /**
   * The name `exporter` knows `importer` by: its peering whose trust bundle is the importer's. The
   * exporter writes it into the PeerMeta.SNI of what it replicates (subscription_manager.go
   * createDiscoChainHealth); the sandbox replicates no PeerMeta, so it is read from the exporter.
   */
  nameAtExporter(exporter: InstallDataPlane, importer: InstallDataPlane): string | undefined {
    return exporter
      .trust()
      .peers.find(
        (b) =>
          b.TrustDomain.toLowerCase() === importer.trustDomain &&
          (b.ExportedPartition || 'default') === importer.partition,
      )?.PeerName;
  }

  /** The next healthy instance of `nodes` in round robin, per `key`. */
  pick(key: string, nodes: readonly CheckServiceNode[]): CheckServiceNode | undefined {
    const healthy = nodes.filter((n) => isHealthy(n.Checks));
    if (healthy.length === 0) return undefined;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return healthy[turn % healthy.length];
  }
}
