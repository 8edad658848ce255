/** A loopback TCP relay for gateway-shaped tests: each connection goes where `route` says, or is closed. */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** A running relay. */
export interface TcpRelay {
  readonly address: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts a relay; `route(n)` gives the `host:port` for the n-th connection (from 1), or undefined to
 * close it after the client's first bytes, as a mesh gateway does with a server name it has no route for.
 */
export async function startRelay(route: (n: number) => string | undefined): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createServer((client) => {
    count += 1;
    sockets.add(client);
    client.on('error', () => client.destroy());
    const target = route(count);
    if (target === undefined) {
      client.once('data', () => client.destroy());
      return;
    }
    const colon = target.lastIndexOf(':');
    const upstream = connect(Number(target.slice(colon + 1)), target.slice(0, colon));
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const info = server.address();
  const port = typeof info === 'object' && info !== null ? info.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
