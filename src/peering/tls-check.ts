/**
 * A bare TLS handshake to one acceptor address with the dialer's exact settings (token CA, SNI =
 * ServerName, ALPN h2, no client certificate), so a probe can name TLS failures precisely.
 */
import { connect } from 'node:tls';
import type { PeerTarget } from './peer-client.ts';
import { PeeringError } from './peering-error.ts';
import { splitHostPort } from './token-validate.ts';

/** What the dialer's TLS settings need; the token's other fields play no part in the handshake. */
export type TlsTarget = Pick<PeerTarget, 'caPems' | 'serverName'>;

function classify(
  error: NodeJS.ErrnoException,
  address: string,
  target: TlsTarget,
  tcpConnected: boolean,
): PeeringError {
  const code = error.code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new PeeringError(
      'tls-sni',
      `${address}: tls: the server certificate does not match the token's ServerName (${error.message})`,
    );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO|ISSUER/.test(code)) {
    return new PeeringError(
      'tls-ca',
      `${address}: tls: the server certificate is not signed by the token's CA (${error.message})`,
    );
  }
  if (tcpConnected && (code === 'ECONNRESET' || code === 'EPIPE')) {
    // Envoy closes a connection whose SNI matches no filter chain before any ServerHello, and so
    // does the sandbox's gateway; a server never does that to a well-formed ClientHello.
    return new PeeringError(
      'tls-sni',
      `${address}: tls: the connection was closed before the server's hello: no route for the server name "${target.serverName}" at the gateway (is it the peer's server name?), or no server behind the route`,
    );
  }
  return new PeeringError('connect', `${address}: cannot connect (${error.message})`);
}

/** Resolves after a verified handshake that negotiated h2; rejects with a PeeringError. */
export function checkTls(address: string, target: TlsTarget, timeoutMs: number): Promise<void> {
  const parts = splitHostPort(address);
  if (parts === undefined)
    return Promise.reject(new PeeringError('connect', `${address}: not a host:port address`));
  return new Promise((resolve, reject) => {
    let tcpConnected = false;
    const socket = connect({
      host: parts.host,
      port: Number(parts.port),
      ca: target.caPems.map((pem) => pem),
      servername: target.serverName,
      ALPNProtocols: ['h2'],
    });
    socket.once('connect', () => {
      tcpConnected = true;
    });
    const timer = setTimeout(() => {
      socket.destroy();
      const what = tcpConnected ? 'no TLS handshake' : 'no TCP connection';
      reject(new PeeringError('timeout', `${address}: ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const alpn = socket.alpnProtocol;
      socket.end();
      if (alpn !== 'h2')
        reject(new PeeringError('connect', `${address}: tls: the server did not negotiate ALPN h2`));
      else resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(classify(error, address, target, tcpConnected));
    });
  });
}
