/**
 * The listeners of one simulated server and their lifecycle: the peering gRPC server (TLS) behind
 * a TCP relay on the public peering port, and the HTTP API. Stop and start keep the ports and the
 * state, as a restarted Consul server does; the dialers resume from their stored stream secrets.
 */
import { createPeerStreamServer, type PeeringStore, type PeerStreamServer } from '../../peering/index.ts';
import type { DialerPool } from './dialer-pool.ts';
import {
  type ConsulHttpListener,
  type HttpServerContext,
  startHttpServer,
} from './http/consul-http-server.ts';
import type { Route } from './http/route.ts';
import { startTcpRelay, type TcpRelay } from './tcp-relay.ts';

/** What the runtime starts. */
export interface RuntimeOptions {
  readonly host: string;
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly serverName: string };
  readonly peeringStore: PeeringStore;
  readonly heartbeatIntervalMs: number | undefined;
  readonly idleTimeoutMs: number | undefined;
  readonly http: HttpServerContext;
  readonly routes: readonly Route[];
  readonly dialers: DialerPool;
  /** Called once everything listens (e.g. to resume dialers). */
  readonly afterStart: () => Promise<void>;
}

/** Starts and stops the listeners on stable ports. */
export class ConsulRuntime {
  private acceptorServer: PeerStreamServer | undefined;
  private relay: TcpRelay | undefined;
  private http: ConsulHttpListener | undefined;
  private httpPort = 0;
  private peeringPort = 0;
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly options: RuntimeOptions) {}

  get running(): boolean {
    return this.http !== undefined;
  }

  get ports(): { http: number; peering: number } {
    return { http: this.httpPort, peering: this.peeringPort };
  }

  /** The acceptor while running. */
  acceptor(): PeerStreamServer | undefined {
    return this.acceptorServer;
  }

  /** Cuts every inbound peering connection (the dialers see a reset and reconnect). */
  dropInbound(): void {
    this.relay?.dropConnections();
  }

  start(): Promise<void> {
    this.transition = this.transition.then(() => this.doStart());
    return this.transition;
  }

  stop(): Promise<void> {
    this.transition = this.transition.then(() => this.doStop());
    return this.transition;
  }

  private async doStart(): Promise<void> {
    if (this.running) return;
    const { options } = this;
    const acceptor = createPeerStreamServer({
      tls: options.tls,
      store: options.peeringStore,
      ...(options.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: options.heartbeatIntervalMs }),
      ...(options.idleTimeoutMs !== undefined && { idleTimeoutMs: options.idleTimeoutMs }),
    });
    const internal = `${options.host}:${await acceptor.listen(options.host, 0)}`;
    this.acceptorServer = acceptor;
    this.relay = await startTcpRelay(options.host, this.peeringPort, () => [internal]);
    this.peeringPort = this.relay.port;
    this.http = await startHttpServer(options.http, options.routes, options.host, this.httpPort);
    this.httpPort = this.http.port;
    await options.afterStart();
  }

  private async doStop(): Promise<void> {
    if (!this.running) return;
    await this.http?.close();
    this.http = undefined;
    await this.options.dialers.closeAll();
    await this.relay?.close();
    this.relay = undefined;
    await this.acceptorServer?.close();
    this.acceptorServer = undefined;
  }
}
