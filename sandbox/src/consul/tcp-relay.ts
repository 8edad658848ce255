/**
 * A byte-level TCP relay: it fronts the peering gRPC port (and each dialer's outbound traffic) so
 * that faults can cut live connections the way a network failure does, without touching TLS.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A listening relay. */
export interface TcpRelay {
  /** `host:port` the relay listens on. */
  readonly address: string;
  readonly port: number;
  /** Destroys every relayed connection (both sides see a reset). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 for any) and relays each connection to the next of `targets()`. */
export function startTcpRelay(
  host: string,
  port: number,
  targets: () => readonly string[],
): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let next = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((inbound) => {
    track(inbound);
    const list = targets();
    const target = list[next % Math.max(1, list.length)];
    next += 1;
    const colon = target?.lastIndexOf(':') ?? -1;
    if (target === undefined || colon < 0) {
      inbound.destroy();
      return;
    }
    const outbound = connect({ host: target.slice(0, colon), port: Number(target.slice(colon + 1)) });
    track(outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = server.address();
      const actual = typeof bound === 'object' && bound !== null ? bound.port : port;
      resolve({
        address: `${host}:${actual}`,
        port: actual,
        dropConnections() {
          for (const socket of [...sockets]) socket.resetAndDestroy();
        },
        close() {
          return new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of [...sockets]) socket.destroy();
          });
        },
      });
    });
  });
}
