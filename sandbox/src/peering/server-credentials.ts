/**
 * TLS for the acceptor as Consul's `IncomingGRPCConfig` does it: the peering certificate (SAN
 * `server.<dc>.peering.<trust-domain>`) only for that exact SNI, no client certificate, ALPN h2.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';

/** A PEM certificate chain and key. */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The acceptor's TLS identity. */
export interface PeeringServerTls extends PemPair {
  /** The peering server name the certificate carries and dialers send as SNI. */
  readonly serverName: string;
  /**
   * What to present for any other SNI, like Consul's operator gRPC certificate. Without it the
   * peering certificate is presented, so a dialer sending the wrong ServerName fails its hostname
   * check either way, as it does against Consul.
   */
  readonly fallback?: PemPair;
}

class PeeringServerCredentials extends ServerCredentials {
  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

/** Builds grpc-js server credentials that choose the certificate by SNI. */
export function createPeeringServerCredentials(tls: PeeringServerTls): ServerCredentials {
  const peering = createSecureContext({ cert: tls.certPem, key: tls.keyPem });
  const fallback =
    tls.fallback && createSecureContext({ cert: tls.fallback.certPem, key: tls.fallback.keyPem });
  const expected = tls.serverName.toLowerCase();
  const SNICallback = (servername: string, done: (err: Error | null, ctx?: SecureContext) => void): void => {
    done(null, servername.toLowerCase() === expected ? peering : (fallback ?? peering));
  };
  return new PeeringServerCredentials(
    { ALPNProtocols: ['h2'], requestCert: false, rejectUnauthorized: false, SNICallback },
    { cert: tls.certPem, key: tls.keyPem },
  );
}
