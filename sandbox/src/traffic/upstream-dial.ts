/**
 * The caller's side of one connection, as the source's sidecar opens it for an upstream: TCP to the
 * first hop (the destination's sidecar, its own mesh gateway in mode `local`, or the peer's gateway
 * in mode `remote`), then mutual TLS with the target's SNI and the caller's leaf, trusting only the
 * target's roots and checking that the server's SPIFFE ID is the target's (agent/xds/clusters.go
 * makeUpstreamTLSContext: SNI and `match_typed_subject_alt_names` from the target or the peer's
 * PeerMeta). The gateways on the way read the SNI and pass the bytes through.
 */
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { LeafCertificate } from './connect-leaf.ts';
import type { InstanceIdentity } from './service-instance.ts';
import { uriSans } from './spiffe-id.ts';

/** What one connection attempt found. */
export type DialOutcome =
  | { readonly kind: 'answered'; readonly answer: InstanceIdentity }
  /** TLS completed, then the destination closed without answering (its RBAC denied). */
  | { readonly kind: 'closed-after-handshake'; readonly finished: string }
  /** Closed before TLS completed: no filter chain matched the SNI on the way, or nothing listened. */
  | { readonly kind: 'closed-before-handshake'; readonly message: string }
  | { readonly kind: 'tls-error'; readonly message: string }
  | { readonly kind: 'timed-out' };

/** One connection to make. */
export interface DialOptions {
  readonly firstHop: string;
  readonly serverName: string;
  readonly leaf: LeafCertificate;
  readonly roots: readonly string[];
  readonly expectedServerId: string;
  readonly timeoutMs?: number;
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

function identityError(subjectAltName: string | undefined, expected: string): Error | undefined {
  const sans = uriSans(subjectAltName);
  return sans.includes(expected)
    ? undefined
    : new Error(`the server is ${sans[0] ?? 'no service'}, not ${expected}`);
}

function parseAnswer(text: string): InstanceIdentity | undefined {
  try {
    return JSON.parse(text.trim()) as InstanceIdentity;
  } catch {
    return undefined;
  }
}

/** Opens the connection, reads the app's answer and reports what happened. */
export function dialUpstream(options: DialOptions): Promise<DialOutcome> {
  return new Promise((resolve) => {
    const raw = tcpConnect(splitHostPort(options.firstHop));
    const socket = tlsConnect({
      socket: raw,
      servername: options.serverName,
      cert: options.leaf.certPem,
      key: options.leaf.keyPem,
      ca: [...options.roots],
      checkServerIdentity: (_host, cert) => identityError(cert.subjectaltname, options.expectedServerId),
    });
    let handshaken = false;
    let finished = '';
    let done = false;
    const chunks: Buffer[] = [];
    const settle = (outcome: DialOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'timed-out' }), options.timeoutMs ?? 5000);
    socket.on('secureConnect', () => {
      handshaken = true;
      finished = socket.getFinished()?.toString('hex') ?? '';
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err: Error & { code?: string }) => {
      if (handshaken) return;
      const closed =
        err.code === 'ECONNRESET' || err.code === 'ECONNREFUSED' || /socket disconnected/i.test(err.message);
      settle(
        closed
          ? { kind: 'closed-before-handshake', message: err.message }
          : { kind: 'tls-error', message: err.message },
      );
    });
    socket.on('close', () => {
      const answer = parseAnswer(Buffer.concat(chunks).toString('utf8'));
      if (answer !== undefined) settle({ kind: 'answered', answer });
      else if (handshaken) settle({ kind: 'closed-after-handshake', finished });
      else
        settle({
          kind: 'closed-before-handshake',
          message: 'the connection was closed before the TLS handshake',
        });
    });
  });
}
