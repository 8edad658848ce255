/**
 * The listeners of one cluster's simulated servers and their lifecycle: every server's peering
 * listener, and the HTTP API over plain HTTP and/or HTTPS. Stop and start keep the ports and the
 * state, as restarted Consul servers do; the dialers resume from their stored stream secrets.
 *
 * Simplified: real Consul serves the HTTP API on every server and followers forward to the leader
 * (agent/consul/rpc.go ForwardRPC); one API listener per cluster over the shared state answers the
 * same, so the sandbox runs only one.
 */
import type { DialerPool } from './dialer-pool.ts';
import {
  type ConsulHttpListener,
  type HttpServerContext,
  startHttpServer,
} from './http/consul-http-server.ts';
import { type HttpsListenerTls, startHttpsServer } from './http/https-listener.ts';
import type { Route } from './http/route.ts';
import type { ServerNode } from './server-node.ts';

/** What the runtime starts. */
export interface RuntimeOptions {
  readonly host: string;
  readonly nodes: readonly ServerNode[];
  readonly http: HttpServerContext;
  readonly routes: readonly Route[];
  /** Which API listeners run: plain HTTP, HTTPS with this certificate, or both. */
  readonly api: { readonly http: boolean; readonly https: HttpsListenerTls | undefined };
  readonly dialers: DialerPool;
  /** Called once everything listens (e.g. to resume dialers). */
  readonly afterStart: () => Promise<void>;
}

/** Starts and stops the listeners on stable ports. */
export class ConsulRuntime {
  private httpListener: ConsulHttpListener | undefined;
  private httpsListener: ConsulHttpListener | undefined;
  private httpPort = 0;
  private httpsPort = 0;
  private started = false;
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly options: RuntimeOptions) {}

  get running(): boolean {
    return this.started;
  }

  /** The API ports (0 for a listener that is off). */
  get ports(): { http: number; https: number } {
    return { http: this.httpPort, https: this.httpsPort };
  }

  /** Cuts every inbound peering connection on every server (the dialers see a reset and reconnect). */
  dropInbound(): void {
    for (const node of this.options.nodes) node.dropInbound();
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  /**
   * Runs a leadership change: `change` moves the leader, then the old leader's streams end and the
   * new leader's dialers start, as revokeLeadership and establishLeadership do (leader_peering.go).
   * Simplified: a real old leader hangs up an inbound stream at its next message with
   * FailedPrecondition "node is not a leader anymore; cannot continue streaming"
   * (stream_resources.go); the sandbox cuts those connections at once, so the dialer reconnects
   * after its ordinary backoff rather than the fast follower retry.
   */
  changeLeader(change: () => ServerNode | undefined): Promise<void> {
    return this.enqueue(async () => {
      const previous = change();
      if (previous === undefined || !this.started) return;
      await this.options.dialers.closeAll();
      previous.dropInbound();
      await this.options.afterStart();
    });
  }

  /** Runs steps one at a time; a failed step fails its caller, not the steps after it. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.transition.then(step);
    this.transition = run.catch(() => undefined);
    return run;
  }

  private async doStart(): Promise<void> {
    if (this.started) return;
    const { options } = this;
    for (const node of options.nodes) await node.start();
    if (options.api.http) {
      this.httpListener = await startHttpServer(options.http, options.routes, options.host, this.httpPort);
      this.httpPort = this.httpListener.port;
    }
    if (options.api.https !== undefined) {
      this.httpsListener = await startHttpsServer(
        options.http,
        options.routes,
        options.host,
        this.httpsPort,
        options.api.https,
      );
      this.httpsPort = this.httpsListener.port;
    }
    this.started = true;
    await options.afterStart();
  }

  private async doStop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.httpListener?.close();
    await this.httpsListener?.close();
    this.httpListener = undefined;
    this.httpsListener = undefined;
    await this.options.dialers.closeAll();
    for (const node of this.options.nodes) await node.stop();
  }
}
