/**
 * The application of one catalog instance: a TCP server on loopback, where the pod's container
 * would listen, that answers every connection with one JSON line naming itself (service, instance,
 * cluster, partition) and closes, so a caller sees which instance its traffic reached. Only its
 * sidecar connects to it, as the app of an injected pod listens on localhost behind Envoy.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/** What an instance answers with. */
export interface InstanceIdentity {
  readonly cluster: string;
  readonly datacenter: string;
  readonly partition: string;
  readonly namespace: string;
  readonly service: string;
  /** The catalog service ID (`<service>-<n>` for seeded services). */
  readonly instance: string;
}

/** A running instance. */
export class ServiceInstance {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly identity: InstanceIdentity,
  ) {}

  /** Starts listening on an ephemeral loopback port. */
  static async start(identity: InstanceIdentity, host = '127.0.0.1'): Promise<ServiceInstance> {
    const server = createServer();
    const instance = new ServiceInstance(server, identity);
    server.on('connection', (socket) => instance.answer(socket));
    server.listen(0, host);
    await once(server, 'listening');
    return instance;
  }

  /** `host:port`. */
  get address(): string {
    const info = this.server.address();
    return info !== null && typeof info === 'object' ? `${info.address}:${info.port}` : '';
  }

  private answer(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.end(`${JSON.stringify(this.identity)}\n`);
  }

  /** Closes the listener and open connections. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}
