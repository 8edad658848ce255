/**
 * One simulated cluster: today a Kubernetes API emulator; later issues attach more components
 * (a simulated Consul server, consul-k8s controllers, a mesh gateway) with `attach()`, and expose
 * their HTTP endpoints through Services with `registerServiceEndpoint()`.
 */
import { join } from 'node:path';
import type { FaultInjector } from './kube/admin/fault-injector.ts';
import type { RequestCounters } from './kube/admin/request-counters.ts';
import type { InProcessKube } from './kube/in-process-kube.ts';
import { KubeApiServer, type KubeApiServerOptions } from './kube/kube-api-server.ts';

/** Something running inside a sandbox cluster that must be stopped with it. */
export interface SandboxComponent {
  readonly name: string;
  /** Endpoints to publish in sandbox.json (e.g. `{ http: 'https://127.0.0.1:8501' }`). */
  endpoints?(): Record<string, string>;
  stop(): Promise<void>;
}

/** How to expose an endpoint through a Service. */
export interface ServiceEndpointOptions {
  /** Port name or number this endpoint serves (matches `NAME:PORT` in proxy paths). */
  port?: string;
  /** CA that signed an HTTPS endpoint's certificate. */
  ca?: string;
  /** Create the Namespace and Service objects when missing (default true). */
  ensureService?: boolean;
}

/** The published endpoints of one cluster, as written to sandbox.json (no credentials). */
export interface ClusterEndpoints {
  name: string;
  context: string;
  apiServer: string;
  stateDir?: string;
  services: Array<{ namespace: string; name: string; proxyPath: string }>;
  components: Record<string, Record<string, string>>;
}

/** Options of one sandbox cluster. */
export interface SandboxClusterOptions {
  name: string;
  /** Root of this cluster's persisted state; in-memory only when absent. */
  stateDir?: string;
  kube?: Omit<KubeApiServerOptions, 'name' | 'stateDir'>;
}

/** A running simulated cluster. */
export class SandboxCluster {
  private readonly components: SandboxComponent[] = [];
  private readonly services: Array<{ namespace: string; name: string }> = [];

  private constructor(
    readonly name: string,
    readonly kube: KubeApiServer,
    readonly stateDir: string | undefined,
  ) {}

  /** Starts the cluster's Kubernetes API emulator. */
  static async start(options: SandboxClusterOptions): Promise<SandboxCluster> {
    const stateDir = options.stateDir;
    const kubeOptions: KubeApiServerOptions = { ...options.kube, name: options.name };
    if (stateDir !== undefined) kubeOptions.stateDir = join(stateDir, 'kube');
    return new SandboxCluster(options.name, await KubeApiServer.start(kubeOptions), stateDir);
  }

  /** Socket-free object access (create, get, list, patch, delete, watch). */
  get objects(): InProcessKube {
    return this.kube.objects;
  }

  /** Fault and latency injection for this cluster's API. */
  get faults(): FaultInjector {
    return this.kube.faults;
  }

  /** Per verb/resource request counters of this cluster's API. */
  get requests(): RequestCounters {
    return this.kube.requests;
  }

  /** Routes /api/v1/namespaces/NS/services/NAME/proxy/... to `url`, creating the Service if needed. */
  registerServiceEndpoint(
    namespace: string,
    name: string,
    url: string,
    options: ServiceEndpointOptions = {},
  ): void {
    const target = new URL(url);
    if (options.ensureService !== false) this.ensureService(namespace, name, target, options.port);
    this.kube.endpoints.register(namespace, name, {
      url: target,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    if (!this.services.some((s) => s.namespace === namespace && s.name === name))
      this.services.push({ namespace, name });
  }

  private ensureService(namespace: string, name: string, target: URL, portName: string | undefined): void {
    if (this.objects.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }) === undefined) {
      this.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    }
    if (this.objects.get({ apiVersion: 'v1', kind: 'Service', namespace, name }) !== undefined) return;
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const portSpec: Record<string, unknown> = { port, protocol: 'TCP' };
    if (portName !== undefined && !/^\d+$/.test(portName)) portSpec.name = portName;
    this.objects.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { ports: [portSpec] },
    });
  }

  /** Adds a component that lives and stops with this cluster. */
  attach(component: SandboxComponent): void {
    this.components.push(component);
  }

  /** A previously attached component by name. */
  component<T extends SandboxComponent>(name: string): T | undefined {
    return this.components.find((c) => c.name === name) as T | undefined;
  }

  /** What sandbox.json publishes about this cluster. */
  endpoints(): ClusterEndpoints {
    const out: ClusterEndpoints = {
      name: this.name,
      context: this.name,
      apiServer: this.kube.url,
      services: this.services.map((s) => ({
        ...s,
        proxyPath: `/api/v1/namespaces/${s.namespace}/services/${s.name}/proxy/`,
      })),
      components: Object.fromEntries(this.components.map((c) => [c.name, c.endpoints?.() ?? {}])),
    };
    if (this.stateDir !== undefined) out.stateDir = this.stateDir;
    return out;
  }

  /** Stops attached components (last attached first), then the API emulator. */
  async stop(): Promise<void> {
    for (const component of [...this.components].reverse()) await component.stop();
    this.components.length = 0;
    await this.kube.stop();
  }
}
