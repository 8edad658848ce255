/**
 * The data plane of one Consul install (one admin partition of a datacenter): an app and a
 * destination sidecar per catalog instance, started the first time traffic needs the instance, as
 * pods with injected sidecars run beside the catalog entries consul-k8s registers for them; the
 * reads of the install's Consul; and the intention decision its sidecars enforce. Instances are
 * keyed by node and service ID, and the sidecar's loopback address stands in for the pod's IP
 * (the sandbox has no pod network: catalog addresses like 10.0.1.1 are not reachable).
 */
import type { ConnectMaterial } from '../consul/consul-server.ts';
import type {
  IntentionDecisionResult,
  IntentionDestinationRef,
  IntentionSourceRef,
} from '../consul/intention-decision.ts';
import type { CheckServiceNode } from '../peering/index.ts';
import type { LeafSigner } from './connect-leaf.ts';
import type { DataPlaneConsul } from './data-plane-consul.ts';
import { DestinationSidecar, type SidecarDecision } from './destination-sidecar.ts';
import { ServiceInstance } from './service-instance.ts';
import type { SidecarTrust } from './source-principal.ts';
import { type ServiceIdentity, spiffeIdOf } from './spiffe-id.ts';

/** What an install's data plane is built from. */
export interface InstallDataPlaneOptions {
  /** The sandbox cluster the install runs in. */
  readonly cluster: string;
  readonly datacenter: string;
  readonly partition: string;
  readonly consul: { readonly connect: ConnectMaterial; readonly traffic: DataPlaneConsul };
  readonly signer: LeafSigner;
  /** Told of every sidecar decision, keyed by the client's TLS Finished message. */
  readonly record: (key: string, decision: SidecarDecision) => void;
}

interface Workload {
  readonly app: ServiceInstance;
  readonly sidecar: DestinationSidecar;
}

function describe(result: IntentionDecisionResult): string {
  const m = result.matched;
  if (m === undefined) return `no intention matched: default ${result.defaultAllow ? 'allow' : 'deny'}`;
  const from = m.peer === '' ? m.source : `${m.source} of peer ${m.peer}`;
  const what = result.hasPermissions ? 'L7 permissions (denied at L4)' : m.action;
  return `intention ${from} -> ${m.destination}: ${what} (precedence ${m.precedence})`;
}

/** A running install data plane. */
export class InstallDataPlane {
  private readonly workloads = new Map<string, Promise<Workload>>();

  constructor(readonly options: InstallDataPlaneOptions) {}

  /** The install's Consul, as the data plane reads it. */
  get consul(): DataPlaneConsul {
    return this.options.consul.traffic;
  }

  get partition(): string {
    return this.options.partition;
  }

  get trustDomain(): string {
    return this.options.consul.connect.trustDomain;
  }

  /** The identity a service of this install has. */
  identity(service: string, namespace = 'default'): ServiceIdentity {
    const { datacenter, partition } = this.options;
    return { trustDomain: this.trustDomain, partition, namespace, datacenter, service };
  }

  /** What this install's sidecars trust now. */
  trust(): SidecarTrust {
    const connect = this.options.consul.connect;
    return {
      trustDomain: connect.trustDomain,
      caPem: connect.caPem,
      peers: connect.peerTrustBundles(this.options.partition),
    };
  }

  /** The decision a sidecar of this install makes for a caller (undefined: no intention can name it). */
  decide(
    source: IntentionSourceRef | undefined,
    destination: IntentionDestinationRef,
  ): { allowed: boolean; reason: string } {
    if (source === undefined) {
      const allowed = this.consul.intentionDefaultAllow;
      return { allowed, reason: `no intention can name the caller: default ${allowed ? 'allow' : 'deny'}` };
    }
    const result = this.consul.intentionDecision(source, destination);
    return { allowed: result.allowed, reason: describe(result) };
  }

  /** The sidecar address of a local instance, starting its app and sidecar the first time. */
  async sidecarOf(node: CheckServiceNode): Promise<string> {
    const key = `${node.Node?.Node ?? ''}/${node.Service?.ID ?? ''}`;
    let workload = this.workloads.get(key);
    if (workload === undefined) {
      workload = this.startWorkload(node);
      this.workloads.set(key, workload);
    }
    return (await workload).sidecar.address;
  }

  private async startWorkload(node: CheckServiceNode): Promise<Workload> {
    const { cluster, datacenter, partition } = this.options;
    const service = node.Service?.Service ?? '';
    const app = await ServiceInstance.start({
      cluster,
      datacenter,
      partition,
      namespace: 'default',
      service,
      instance: node.Service?.ID ?? '',
    });
    const sidecar = await DestinationSidecar.start({
      destination: { partition, namespace: 'default', name: service },
      leaf: await this.options.signer.leaf(spiffeIdOf(this.identity(service))),
      upstream: app.address,
      authority: { trust: () => this.trust(), decide: (s, d) => this.decide(s, d) },
      record: this.options.record,
    });
    return { app, sidecar };
  }

  /** Allowed and denied connections of every sidecar started so far. */
  async stats(): Promise<{ allowed: number; denied: number }> {
    const all = await Promise.allSettled(this.workloads.values());
    return all.reduce(
      (sum, w) => {
        if (w.status !== 'fulfilled') return sum;
        const s = w.value.sidecar.stats();
        return { allowed: sum.allowed + s.allowed, denied: sum.denied + s.denied };
      },
      { allowed: 0, denied: 0 },
    );
  }

  /** Stops every app and sidecar. */
  async stop(): Promise<void> {
    const all = await Promise.allSettled(this.workloads.values());
    this.workloads.clear();
    await Promise.all(
      all.flatMap((w) => (w.status === 'fulfilled' ? [w.value.sidecar.stop(), w.value.app.stop()] : [])),
    );
  }
}
