/**
 * One Consul server of a cluster (one pod of the chart's server StatefulSet): its own peering gRPC
 * TLS listener, behind a TCP relay on a stable port so faults can cut live connections, and a
 * stand-in for its server RPC port (8300 in a real pod), the address Raft knows it by and the one a
 * follower names in its LeaderAddress detail (agent/consul/server.go `trackLeaderChanges`). Every
 * server reads and writes the cluster's one ServerState, as Raft replicates it to all of them.
 * Only StreamResources checks leadership: a follower forwards ExchangeSecret to the leader
 * (stream_resources.go embeds WriteRequest, so ForwardRPC sends it on), and over the one shared
 * state every server answers it exactly as the leader would.
 */
import {
  createPeerStreamServer,
  type Leadership,
  type PeeringStore,
  type PeerStreamServer,
} from '../peering/index.ts';
import { startTcpRelay, type TcpRelay } from './tcp-relay.ts';

/** How to run one server. */
export interface ServerNodeOptions {
  /** `<fullname>-server-<index>`, the pod and catalog node name. */
  readonly name: string;
  /** The address this server listens on, its own as a pod's IP is. */
  readonly host: string;
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly serverName: string };
  readonly peeringStore: PeeringStore;
  readonly heartbeatIntervalMs: number;
  readonly idleTimeoutMs: number;
  /** Followers refuse StreamResources with FailedPrecondition and the leader's address. */
  readonly leadership: Leadership;
}

/** A server's listeners; stop and start keep its ports. */
export class ServerNode {
  private acceptorServer: PeerStreamServer | undefined;
  private relay: TcpRelay | undefined;
  private rpc: TcpRelay | undefined;
  private peeringPort = 0;
  private rpcPort = 0;

  constructor(private readonly options: ServerNodeOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The server's own address (its pod IP in a real cluster). */
  get host(): string {
    return this.options.host;
  }

  /** `host:port` of the peering gRPC TLS listener (what tokens and the gateway use). */
  get peeringAddress(): string {
    return `${this.options.host}:${this.peeringPort}`;
  }

  get grpcTlsPort(): number {
    return this.peeringPort;
  }

  /** `host:port` of the server RPC stand-in (its Raft address). */
  get rpcAddress(): string {
    return `${this.options.host}:${this.rpcPort}`;
  }

  get rpcPortNumber(): number {
    return this.rpcPort;
  }

  /** The running acceptor; only the leader's carries streams. */
  acceptor(): PeerStreamServer | undefined {
    return this.acceptorServer;
  }

  /** Cuts every inbound peering connection of this server. */
  dropInbound(): void {
    this.relay?.dropConnections();
  }

  /** Listens (on the previous ports after a stop). */
  async start(): Promise<void> {
    if (this.acceptorServer !== undefined) return;
    const { options } = this;
    const acceptor = createPeerStreamServer({
      tls: options.tls,
      store: options.peeringStore,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      idleTimeoutMs: options.idleTimeoutMs,
      leadership: options.leadership,
    });
    const internal = `${options.host}:${await acceptor.listen(options.host, 0)}`;
    this.acceptorServer = acceptor;
    this.relay = await startTcpRelay(options.host, this.peeringPort, () => [internal]);
    this.peeringPort = this.relay.port;
    // Nothing here speaks Consul's RPC protocol: a connection is closed, as the server closes a
    // connection whose first byte names no RPC type it knows (agent/consul/rpc.go handleConn).
    this.rpc = await startTcpRelay(options.host, this.rpcPort, () => []);
    this.rpcPort = this.rpc.port;
  }

  /** Closes the listeners and every connection. */
  async stop(): Promise<void> {
    await this.rpc?.close();
    this.rpc = undefined;
    await this.relay?.close();
    this.relay = undefined;
    await this.acceptorServer?.close();
    this.acceptorServer = undefined;
  }
}
