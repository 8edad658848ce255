/**
 * The sandbox's stand-in for Endpoints objects: where the process serving each named port of a
 * Service listens. Registered per (namespace, Service, port name) as host:port, like an Endpoints
 * subset's address and port; the scheme is never part of it, because the API server takes the
 * scheme from the proxy request (kubernetes pkg/registry/core/service/storage/storage.go
 * ResourceLocation).
 */

/** One backend address of a Service port. */
export interface ServiceEndpoint {
  host: string;
  port: number;
  /**
   * A path prefix put before the proxied path. Sandbox-only (real endpoints are host:port): it lets
   * the sandbox admin API hide behind an unguessable prefix.
   */
  basePath?: string;
}

function key(namespace: string, service: string): string {
  return `${namespace}/${service}`;
}

/** Endpoints registered per namespace, Service and port name (`''` for a Service's single unnamed port). */
export class ServiceEndpoints {
  private readonly byService = new Map<string, Map<string, ServiceEndpoint>>();

  /** Registers (or replaces) the backend of one port of a Service. */
  register(namespace: string, service: string, portName: string, endpoint: ServiceEndpoint): void {
    const ports = this.byService.get(key(namespace, service)) ?? new Map<string, ServiceEndpoint>();
    ports.set(portName, { ...endpoint });
    this.byService.set(key(namespace, service), ports);
  }

  /** Removes one port's backend, or every port's when no port name is given. */
  unregister(namespace: string, service: string, portName?: string): void {
    if (portName === undefined) {
      this.byService.delete(key(namespace, service));
      return;
    }
    this.byService.get(key(namespace, service))?.delete(portName);
  }

  /** The registered backends of a Service by port name. */
  ports(namespace: string, service: string): ReadonlyMap<string, ServiceEndpoint> {
    return this.byService.get(key(namespace, service)) ?? new Map();
  }
}
