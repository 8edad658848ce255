/**
 * A TCP proxy on loopback that routes TLS connections by SNI without decrypting them, the way a
 * Consul mesh gateway's Envoy passes peering control traffic (`server.<dc>.peering.<trust-domain>`)
 * through to the Consul servers. Besides fixed routes, a resolver may route names computed from
 * Consul's state (the data plane's peered service names), asked per connection as Envoy's filter
 * chains follow its current configuration. Unknown names are refused by closing the connection, as
 * Envoy does when no filter chain matches. Counts routed and refused connections per name, and
 * routed connections per upstream address.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { readClientHello } from './client-hello.ts';

/** Where a route sends its connections (`host:port`), looked up per connection; undefined refuses. */
export type RouteTarget = () => string | undefined;

/** Decides per connection whether the fixed routes may be used (e.g. the gateway's ACL token check). */
export type RouteGuard = (serverName: string) => Promise<boolean>;

/** Routes names without a fixed route; resolves to a `host:port`, or undefined to refuse. */
export type RouteResolver = (serverName: string) => Promise<string | undefined>;

/** How to start a gateway. */
export interface SniGatewayOptions {
  host?: string;
  port?: number;
  /** Connections that do not finish their ClientHello within this time are closed (default 5 s). */
  helloTimeoutMs?: number;
  guard?: RouteGuard;
}

/** Per-name connection counts. */
export interface SniGatewayCounters {
  routed: Record<string, number>;
  refused: Record<string, number>;
  /** Upstream connections that failed after routing (target down). */
  upstreamErrors: Record<string, number>;
  /** Routed connections per upstream `host:port` (which server each one reached). */
  upstreams: Record<string, number>;
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** A running SNI-routing TCP proxy. */
export class SniGateway {
  private readonly routes = new Map<string, RouteTarget>();
  private resolver: RouteResolver | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly stats: SniGatewayCounters = { routed: {}, refused: {}, upstreamErrors: {}, upstreams: {} };

  private constructor(
    private readonly server: Server,
    private readonly options: SniGatewayOptions,
  ) {}

  /** Starts listening; resolves once connections are accepted. */
  static async start(options: SniGatewayOptions = {}): Promise<SniGateway> {
    const server = createServer();
    const gateway = new SniGateway(server, options);
    server.on('connection', (socket) => gateway.accept(socket));
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    await once(server, 'listening');
    return gateway;
  }

  /** The `host:port` clients dial. */
  get address(): string {
    const info = this.server.address();
    if (info === null || typeof info === 'string') return '';
    return `${info.address}:${info.port}`;
  }

  /** Adds or replaces the route for one SNI name (names compare case-insensitively). */
  setRoute(serverName: string, target: RouteTarget): void {
    this.routes.set(serverName.toLowerCase(), target);
  }

  /** Removes a route. */
  removeRoute(serverName: string): void {
    this.routes.delete(serverName.toLowerCase());
  }

  /** Sets (or with undefined removes) the resolver of names without a fixed route. */
  setResolver(resolver: RouteResolver | undefined): void {
    this.resolver = resolver;
  }

  /** A copy of the counters. */
  counters(): SniGatewayCounters {
    return structuredClone(this.stats);
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    for (const map of Object.values(this.stats)) for (const k of Object.keys(map)) delete map[k];
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => client.destroy(), this.options.helloTimeoutMs ?? 5000);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = readClientHello(buffered);
      if (hello.status === 'incomplete') return;
      clearTimeout(timer);
      client.off('data', onData);
      client.pause();
      if (hello.status !== 'sni') {
        bump(this.stats.refused, hello.status === 'no-sni' ? '(no sni)' : '(not tls)');
        client.destroy();
        return;
      }
      void this.route(client, hello.serverName, buffered);
    };
    client.on('data', onData);
  }

  private async target(serverName: string): Promise<string | undefined> {
    const fixed = this.routes.get(serverName);
    if (fixed === undefined) return this.resolver?.(serverName).catch(() => undefined);
    const target = fixed();
    const allowed =
      target !== undefined && (await (this.options.guard?.(serverName) ?? Promise.resolve(true)));
    return allowed ? target : undefined;
  }

  private async route(client: Socket, serverName: string, hello: Buffer): Promise<void> {
    const target = await this.target(serverName);
    if (target === undefined || client.destroyed) {
      bump(this.stats.refused, serverName);
      client.destroy();
      return;
    }
    bump(this.stats.routed, serverName);
    bump(this.stats.upstreams, target);
    const { host, port } = splitHostPort(target);
    const upstream = connect({ host, port });
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('connect', () => {
      upstream.write(hello);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      bump(this.stats.upstreamErrors, serverName);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Closes the listener and every proxied connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}
