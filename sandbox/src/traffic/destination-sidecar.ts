/**
 * The sidecar in front of one service instance, enforcing intentions as Envoy's public listener does
 * (hashicorp/consul agent/xds/listeners.go makeInboundListener with the network RBAC filter of
 * agent/xds/rbac.go): it terminates mutual TLS with the instance's leaf certificate, trusts its own
 * CA and the trust bundles of its partition's peers, derives the caller from the client
 * certificate's SPIFFE ID, asks the intention decision and either pipes the connection to the app
 * or closes it, as RBAC's `connect_authz` denial closes a TCP connection. Intentions are read per
 * connection, as Envoy applies the RBAC of its current configuration to each new one.
 *
 * Real Consul enforces intentions here, at the destination's sidecar, never at the mesh gateways
 * (which route peered traffic by SNI without terminating TLS); issue 16's "mesh gateway enforcing
 * intentions" is built this way instead. Simplified: the certificate is checked right after the
 * handshake rather than inside it, and an untrusted or missing one closes the connection the same
 * way a denial does.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { IntentionDestinationRef, IntentionSourceRef } from '../consul/intention-decision.ts';
import type { LeafCertificate } from './connect-leaf.ts';
import { rootsFor, type SidecarTrust, signedByOneOf, sourceOf } from './source-principal.ts';
import { parseSpiffeId, uriSans } from './spiffe-id.ts';

/** What the sidecar decided for one connection. */
export interface SidecarDecision {
  readonly allowed: boolean;
  /** The caller's SPIFFE ID, when it presented a valid one. */
  readonly source?: string;
  /** Why, in words (the intention that matched, the default, or the certificate problem). */
  readonly reason: string;
}

/** The live inputs of the sidecar's RBAC: trust material and the intention decision. */
export interface SidecarAuthority {
  trust(): SidecarTrust;
  decide(
    source: IntentionSourceRef | undefined,
    destination: IntentionDestinationRef,
  ): { allowed: boolean; reason: string };
}

/** How to start a sidecar. */
export interface DestinationSidecarOptions {
  readonly destination: Required<IntentionDestinationRef>;
  readonly leaf: LeafCertificate;
  /** The app's `host:port`. */
  readonly upstream: string;
  readonly authority: SidecarAuthority;
  /** Told of every decision, keyed by the TLS Finished message the client also sees. */
  readonly record?: (key: string, decision: SidecarDecision) => void;
  readonly host?: string;
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** A running sidecar. */
export class DestinationSidecar {
  private readonly sockets = new Set<Socket>();
  private readonly counts = { allowed: 0, denied: 0 };

  private constructor(
    private readonly server: Server,
    private readonly options: DestinationSidecarOptions,
  ) {}

  /** Starts the public listener on an ephemeral loopback port. */
  static async start(options: DestinationSidecarOptions): Promise<DestinationSidecar> {
    const server = createServer({
      cert: options.leaf.certPem,
      key: options.leaf.keyPem,
      requestCert: true,
      // Verified after the handshake against the trust of the moment (peers come and go).
      rejectUnauthorized: false,
    });
    const sidecar = new DestinationSidecar(server, options);
    server.on('secureConnection', (socket: TLSSocket) => sidecar.accept(socket));
    server.on('tlsClientError', () => undefined);
    server.listen(0, options.host ?? '127.0.0.1');
    await once(server, 'listening');
    return sidecar;
  }

  /** `host:port` of the public listener. */
  get address(): string {
    const info = this.server.address();
    return info !== null && typeof info === 'object' ? `${info.address}:${info.port}` : '';
  }

  /** Connections let through and refused so far (Envoy's `connect_authz.allowed` / `.denied`). */
  stats(): { allowed: number; denied: number } {
    return { ...this.counts };
  }

  private decide(socket: TLSSocket): SidecarDecision {
    const cert = socket.getPeerX509Certificate();
    if (cert === undefined) return { allowed: false, reason: 'the client presented no certificate' };
    const uri = uriSans(cert.subjectAltName)[0] ?? '';
    const id = parseSpiffeId(uri);
    if (id === undefined) return { allowed: false, reason: 'the client certificate names no service' };
    const trust = this.options.authority.trust();
    if (!signedByOneOf(cert, rootsFor(id.trustDomain, trust)))
      return { allowed: false, source: uri, reason: `no trusted root for trust domain ${id.trustDomain}` };
    const verdict = this.options.authority.decide(sourceOf(id, trust), this.options.destination);
    return { allowed: verdict.allowed, source: uri, reason: verdict.reason };
  }

  private accept(socket: TLSSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pause();
    let decision: SidecarDecision;
    try {
      decision = this.decide(socket);
    } catch (err) {
      decision = { allowed: false, reason: `the sidecar has no configuration: ${(err as Error).message}` };
    }
    const key = socket.getPeerFinished()?.toString('hex');
    if (key !== undefined) this.options.record?.(key, decision);
    this.counts[decision.allowed ? 'allowed' : 'denied'] += 1;
    if (!decision.allowed || socket.destroyed) {
      socket.destroy();
      return;
    }
    this.pipe(socket);
  }

  private pipe(socket: TLSSocket): void {
    const app = connect(splitHostPort(this.options.upstream));
    this.sockets.add(app);
    app.on('close', () => {
      this.sockets.delete(app);
      socket.end();
    });
    app.on('error', () => socket.destroy());
    socket.on('close', () => app.destroy());
    app.on('connect', () => {
      socket.pipe(app);
      app.pipe(socket);
      socket.resume();
    });
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}
