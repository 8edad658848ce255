import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ConnectionOptions, connect, createServer, type TlsOptions } from 'node:tls';

/** What one TLS connection showed: the text the client read, or the client's error code. */
export interface RoundTrip {
  readonly received?: string;
  readonly clientError?: string;
}

/**
 * Serves TLS on 127.0.0.1 with `server` options and connects once with `client` options, so tests
 * can check who trusts whom through a real handshake. The server answers "hello", or, when it asked
 * for a client certificate that failed verification, that verification error's code.
 */
export async function tlsRoundTrip(server: TlsOptions, client: ConnectionOptions): Promise<RoundTrip> {
  const listener = createServer(server, (socket) => socket.end(String(socket.authorizationError ?? 'hello')));
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<RoundTrip>((resolve) => {
      const socket = connect({ ...client, host: '127.0.0.1', port });
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        received += chunk;
      });
      socket.on('end', () => resolve({ received }));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve({ clientError: err.code ?? err.message }));
    });
  } finally {
    listener.close();
  }
}
