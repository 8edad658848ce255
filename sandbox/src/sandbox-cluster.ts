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
  /**
   * The name of the Service port this endpoint serves (`NAME:PORT` in proxy paths names it, or its
   * number); omit it for a Service with a single unnamed port.
   */
  port?: string;
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
  /** Published Services, one entry per served port (`id` is `[https:]name[:port]` as proxy paths use it). */
  private readonly services: Array<{ namespace: string; name: string; id: string }> = [];

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

  /**
   * Serves one port of a Service from `url`, as an Endpoints address would: only the URL's host,
   * port and path prefix are kept; the scheme of each proxy request (`http:` unless `https:NAME:PORT`)
   * decides how the API server connects. Creates the Service (one port named `options.port`) unless
   * it exists or `ensureService` is false; a Service created elsewhere must declare the port name.
   */
  registerServiceEndpoint(
    namespace: string,
    name: string,
    url: string,
    options: ServiceEndpointOptions = {},
  ): void {
    const target = new URL(url);
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    if (options.ensureService !== false) this.ensureService(namespace, name, port, options.port);
    const basePath = target.pathname.replace(/\/$/, '');
    this.kube.endpoints.register(namespace, name, options.port ?? '', {
      host: target.hostname,
      port,
      ...(basePath === '' ? {} : { basePath }),
    });
    const scheme = target.protocol === 'https:' ? 'https:' : '';
    const id = `${scheme}${name}${options.port === undefined ? '' : `:${options.port}`}`;
    if (!this.services.some((s) => s.namespace === namespace && s.id === id))
      this.services.push({ namespace, name, id });
  }

  private ensureService(namespace: string, name: string, port: number, portName: string | undefined): void {
    if (this.objects.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }) === undefined) {
      this.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    }
    if (this.objects.get({ apiVersion: 'v1', kind: 'Service', namespace, name }) !== undefined) return;
    this.objects.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { ports: [{ ...(portName === undefined ? {} : { name: portName }), port, protocol: 'TCP' }] },
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
      services: this.services.map(({ id, ...s }) => ({
        ...s,
        proxyPath: `/api/v1/namespaces/${s.namespace}/services/${id}/proxy/`,
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
