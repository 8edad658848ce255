/**
 * One emulated Kubernetes API server: HTTPS on loopback with its own CA, bearer-token auth, the
 * in-memory store (optionally persisted), the Deployment simulator, Service endpoints, faults and
 * request counters. Start with `KubeApiServer.start()`; everything is reachable in-process too.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCertificateAuthority } from '../../../src/tls/certificate-authority.ts';
import { FaultInjector } from './admin/fault-injector.ts';
import { RequestCounters } from './admin/request-counters.ts';
import { handleApiRequest, type PipelineDeps } from './api-request-handler.ts';
import { startDeploymentSimulator } from './deployment-simulator.ts';
import { ServiceEndpoints } from './http/service-endpoints.ts';
import { InProcessKube } from './in-process-kube.ts';
import { ObjectDeleter } from './object-deletion.ts';
import { ObjectService } from './object-service.ts';
import { ObjectStore } from './object-store.ts';
import { defaultCatalog, type ResourceCatalog } from './resource-catalog.ts';
import { StorePersistence } from './store-persistence.ts';

/** How to start an emulator. */
export interface KubeApiServerOptions {
  /** Used in the CA name and logs (e.g. the sandbox cluster name). */
  name: string;
  host?: string;
  /** Port to listen on; 0 (default) picks a free one, or reuses the persisted one when free. */
  port?: number;
  /** Directory for persisted objects and credentials; in-memory only when absent. */
  stateDir?: string;
  /** Serve plain HTTP (kubeconfig then needs insecure-skip-tls-verify); HTTPS by default. */
  plainHttp?: boolean;
  /** Watch history size; a smaller window makes 410 Gone easier to provoke in tests. */
  historyLimit?: number;
  /** Interval between watch BOOKMARK events for watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Random source for fault injection (inject a seeded one for reproducible runs). */
  random?: () => number;
  log?: (line: string) => void;
}

interface Credentials {
  token: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  port?: number;
}

async function loadCredentials(name: string, stateDir: string | undefined): Promise<Credentials> {
  const path = stateDir === undefined ? undefined : join(stateDir, 'credentials.json');
  if (path !== undefined && existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as Credentials;
  const ca = await createCertificateAuthority(`${name} sandbox kubernetes CA`);
  const leaf = await ca.issue({
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1'],
  });
  return {
    token: randomBytes(24).toString('base64url'),
    caPem: ca.certPem,
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
  };
}

async function listen(server: Server, host: string, port: number, fallback: boolean): Promise<void> {
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (err) {
    if (!fallback || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    server.listen(0, host);
    await once(server, 'listening');
  }
}

const builtInNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A running Kubernetes API emulator. */
export class KubeApiServer {
  readonly catalog: ResourceCatalog;
  readonly store: ObjectStore;
  readonly service: ObjectService;
  readonly deleter: ObjectDeleter;
  /** Socket-free access to the objects, for simulated controllers and setup code. */
  readonly objects: InProcessKube;
  readonly endpoints = new ServiceEndpoints();
  readonly faults: FaultInjector;
  readonly requests = new RequestCounters();
  private readonly watches = new Set<() => void>();
  private readonly hung = new Set<ServerResponse>();
  private server: Server | undefined;
  private persistence: StorePersistence | undefined;
  private stopSimulator: (() => void) | undefined;
  private credentials: Credentials | undefined;

  private constructor(private readonly options: KubeApiServerOptions) {
    this.catalog = defaultCatalog();
    this.store = new ObjectStore(
      options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit },
    );
    this.service = new ObjectService(this.catalog, this.store);
    this.deleter = new ObjectDeleter(this.service);
    this.objects = new InProcessKube(this.service, this.deleter);
    this.faults = new FaultInjector(options.random);
  }

  /** Starts an emulator and resolves once it accepts connections. */
  static async start(options: KubeApiServerOptions): Promise<KubeApiServer> {
    const server = new KubeApiServer(options);
    await server.boot();
    return server;
  }

  private async boot(): Promise<void> {
    const { stateDir } = this.options;
    const creds = await loadCredentials(this.options.name, stateDir);
    this.credentials = creds;
    if (stateDir !== undefined) {
      this.persistence = new StorePersistence(join(stateDir, 'store'), this.store);
      await this.persistence.start(this.catalog);
    }
    const nsType = this.catalog.require('v1', 'Namespace');
    for (const name of builtInNamespaces) {
      if (this.store.get(nsType, undefined, name) === undefined)
        this.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    this.stopSimulator = startDeploymentSimulator(this.service);
    const deps = this.pipelineDeps(creds.token);
    const handler = (req: Parameters<typeof handleApiRequest>[1], res: ServerResponse): void =>
      void handleApiRequest(deps, req, res);
    this.server =
      this.options.plainHttp === true
        ? createHttpServer(handler)
        : createHttpsServer({ cert: creds.certPem, key: creds.keyPem }, handler);
    const port = this.options.port ?? creds.port ?? 0;
    await listen(this.server, this.options.host ?? '127.0.0.1', port, this.options.port === undefined);
    if (stateDir !== undefined) {
      await mkdir(stateDir, { recursive: true, mode: 0o700 });
      await writeFile(join(stateDir, 'credentials.json'), JSON.stringify({ ...creds, port: this.port }), {
        mode: 0o600,
      });
    }
  }

  private pipelineDeps(token: string): PipelineDeps {
    const deps: PipelineDeps = {
      catalog: this.catalog,
      store: this.store,
      service: this.service,
      deleter: this.deleter,
      token,
      faults: this.faults,
      requests: this.requests,
      endpoints: this.endpoints,
      hung: this.hung,
      bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 1000,
      serverAddress: () => `${this.host}:${this.port}`,
      trackWatch: (stop) => {
        this.watches.add(stop);
        return () => this.watches.delete(stop);
      },
      closeWatches: () => this.closeWatches(),
    };
    if (this.options.log !== undefined) deps.log = this.options.log;
    return deps;
  }

  /** The listening port. */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The listening host. */
  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** The API server URL for kubeconfig (`https://127.0.0.1:PORT`). */
  get url(): string {
    return `${this.options.plainHttp === true ? 'http' : 'https'}://${this.host}:${this.port}`;
  }

  /** The bearer token clients must send. */
  get token(): string {
    return this.requireCredentials().token;
  }

  /** The PEM of the CA that signed the serving certificate (empty for plain HTTP). */
  get caPem(): string {
    return this.options.plainHttp === true ? '' : this.requireCredentials().caPem;
  }

  private requireCredentials(): Credentials {
    if (this.credentials === undefined) throw new Error('the kube api emulator has not been started');
    return this.credentials;
  }

  /** Requests currently held open by a 'hang' fault. */
  get heldRequests(): number {
    return this.hung.size;
  }

  /** Ends every open watch stream, as an API server restart or a load balancer timeout would. */
  closeWatches(): number {
    const open = [...this.watches];
    this.watches.clear();
    for (const stop of open) stop();
    return open.length;
  }

  /** Ends watches and held requests, closes the listener and flushes persisted state. */
  async stop(): Promise<void> {
    this.closeWatches();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.stopSimulator?.();
    const server = this.server;
    if (server?.listening === true) {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    }
    await this.persistence?.stop();
  }
}
