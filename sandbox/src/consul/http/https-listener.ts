/**
 * The API over TLS, as the chart serves it on port `https` (8501) with `global.tls.enabled`. The
 * port is sniffed first: a TLS handshake goes to the HTTPS server, and a plain HTTP request is
 * answered the way Go's net/http server answers it (server.go, `tlsRecordHeaderLooksLikeHTTP`):
 * a bare `HTTP/1.0 400` with its fixed text, then the connection closes. Other bytes are dropped,
 * as Go drops a connection whose first record is not a handshake.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { ConsulHttpListener, HttpServerContext } from './consul-http-server.ts';
import { apiRequestListener } from './consul-http-server.ts';
import type { Route } from './route.ts';

const TLS_HANDSHAKE_RECORD = 0x16;
const RECORD_HEADER_LENGTH = 5;
const HTTP_RECORD_HEADERS = new Set(['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO']);

/** The exact bytes Go writes to a plain HTTP client on a TLS port. */
export const PLAIN_HTTP_ON_TLS_ANSWER =
  'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

/** Certificate and key the listener presents. */
export interface HttpsListenerTls {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Starts the HTTPS listener on `host:port` (0 for any free port). */
export function startHttpsServer(
  ctx: HttpServerContext,
  routes: readonly Route[],
  host: string,
  port: number,
  tls: HttpsListenerTls,
): Promise<ConsulHttpListener> {
  const https = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, apiRequestListener(ctx, routes));
  const sockets = new Set<Socket>();
  const sniff = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head[0] === TLS_HANDSHAKE_RECORD) {
        socket.off('data', onData);
        socket.pause();
        socket.unshift(head);
        https.emit('connection', socket);
        return;
      }
      if (head.length < RECORD_HEADER_LENGTH) return;
      socket.off('data', onData);
      const header = head.subarray(0, RECORD_HEADER_LENGTH).toString('latin1');
      if (HTTP_RECORD_HEADERS.has(header)) socket.end(PLAIN_HTTP_ON_TLS_ANSWER);
      else socket.destroy();
    };
    socket.on('data', onData);
  };
  const server = createNetServer(sniff);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            https.closeAllConnections();
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
