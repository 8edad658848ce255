/**
 * Service traffic between the installs of a sandbox: each install's data plane (apps and
 * destination sidecars for its catalog instances, started when traffic first needs them), its mesh
 * gateway's service routes, and requests made as a caller's sidecar makes them. Leaves are signed
 * by each datacenter's Connect CA, shared by the datacenter's partition installs.
 */
import type { ConnectMaterial } from '../consul/consul-server.ts';
import { LeafSigner } from './connect-leaf.ts';
import type { DataPlaneConsul } from './data-plane-consul.ts';
import { DecisionJournal } from './decision-journal.ts';
import { gatewayServiceRoutes } from './gateway-routes.ts';
import { InstallDataPlane } from './install-data-plane.ts';
import { requestService, type TrafficRequest, type TrafficResult } from './service-request.ts';
import { type MeshInstall, type MeshInstallGateway, TrafficMesh } from './traffic-mesh.ts';

export type { ChainTarget } from './discovery-chain.ts';
export type { InstanceIdentity } from './service-instance.ts';
export type { TrafficFailure, TrafficRequest, TrafficResult } from './service-request.ts';

/** One install, as the sandbox hands it to the data plane. */
export interface TrafficInstall {
  /** The sandbox cluster the install runs in. */
  readonly cluster: string;
  readonly datacenter: string;
  /** The admin partition the install's consul-k8s serves. */
  readonly partition: string;
  readonly consul: { readonly connect: ConnectMaterial; readonly traffic: DataPlaneConsul };
  readonly gateway?: MeshInstallGateway | undefined;
}

/** The running data plane of a sandbox. */
export class SandboxTraffic {
  private readonly journal = new DecisionJournal();
  private readonly mesh: TrafficMesh;

  private constructor(installs: readonly TrafficInstall[]) {
    const signers = new Map<string, LeafSigner>();
    const signerOf = (connect: ConnectMaterial) => {
      let signer = signers.get(connect.trustDomain);
      if (signer === undefined) {
        signer = new LeafSigner({ caPem: connect.caPem, caKeyPem: connect.caKeyPem });
        signers.set(connect.trustDomain, signer);
      }
      return signer;
    };
    const record = (key: string, decision: Parameters<DecisionJournal['record']>[1]) =>
      this.journal.record(key, decision);
    const members: MeshInstall[] = installs.map((install) => ({
      plane: new InstallDataPlane({
        cluster: install.cluster,
        datacenter: install.datacenter,
        partition: install.partition,
        consul: install.consul,
        signer: signerOf(install.consul.connect),
        record,
      }),
      gateway: install.gateway,
    }));
    this.mesh = new TrafficMesh(members);
  }

  /** Builds the data plane and hands every gateway its service routes. */
  static start(installs: readonly TrafficInstall[]): SandboxTraffic {
    const traffic = new SandboxTraffic(installs);
    for (const install of traffic.mesh.installs)
      install.gateway?.routeServices(gatewayServiceRoutes(install, traffic.mesh));
    return traffic;
  }

  /**
   * Opens one connection from `request.from.service` in a cluster's install to the service
   * `request.to`, as its sidecar would, and reports the instance that answered or why none did.
   * Rejects for a cluster without a Consul install, a partition the install does not serve, or a
   * caller the install's catalog does not hold.
   */
  async request(request: TrafficRequest): Promise<TrafficResult> {
    return requestService(this.mesh, this.journal, this.callerInstall(request.from), request);
  }

  private callerInstall(from: TrafficRequest['from']): MeshInstall {
    const source = this.mesh.byCluster(from.cluster);
    if (source === undefined) throw new Error(`sandbox cluster "${from.cluster}" runs no consul install`);
    const { partition } = source.plane;
    if (from.partition !== undefined && from.partition !== partition)
      throw new Error(
        `sandbox cluster "${from.cluster}" serves partition "${partition}", not "${from.partition}"`,
      );
    if (source.plane.consul.localInstances(from.service, partition).length === 0)
      throw new Error(`sandbox cluster "${from.cluster}" runs no service "${from.service}" to call from`);
    return source;
  }

  /** Connections the sidecars of a cluster's install let through and refused. */
  sidecarStats(cluster: string): Promise<{ allowed: number; denied: number }> {
    const install = this.mesh.byCluster(cluster);
    return install === undefined ? Promise.resolve({ allowed: 0, denied: 0 }) : install.plane.stats();
  }

  /** Takes the service routes off the gateways and stops every app and sidecar. */
  async stop(): Promise<void> {
    for (const install of this.mesh.installs) install.gateway?.routeServices(undefined);
    await Promise.all(this.mesh.installs.map((i) => i.plane.stop()));
  }
}
