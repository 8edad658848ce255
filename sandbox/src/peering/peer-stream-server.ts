/**
 * The acceptor: Consul's PeerStreamService over TLS gRPC, embeddable in a simulated Consul
 * server through the PeeringStore port. It owns the per-peering stream trackers, as Consul's
 * leader does, so the host can compute ACTIVE/FAILING and StreamStatus.
 */
import { Server, type ServerDuplexStream } from '@grpc/grpc-js';
import {
  type Clock,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  systemClock,
} from '../../../src/peering/clock.ts';
import {
  PeerStreamServiceService,
  type ReplicationMessage,
} from '../../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import type { SessionEvent, StreamSession } from '../../../src/peering/stream-session.ts';
import {
  type ConsulStreamStatus,
  type StreamStatus,
  StreamTracker,
} from '../../../src/peering/stream-tracker.ts';
import { exchangeSecretHandler } from './exchange-secret-handler.ts';
import type { PeeringStore } from './peering-store.ts';
import { createPeeringServerCredentials, type PeeringServerTls } from './server-credentials.ts';
import { type Leadership, type StreamContext, serveStream } from './stream-resources-handler.ts';

/** How to build a PeerStreamServer. */
export interface PeerStreamServerOptions {
  readonly tls: PeeringServerTls;
  readonly store: PeeringStore;
  readonly clock?: Clock;
  /** Outgoing heartbeat period; Consul's default is 15 s. */
  readonly heartbeatIntervalMs?: number;
  /** Close a stream after this long without a heartbeat; Consul's default is 2 minutes. */
  readonly idleTimeoutMs?: number;
  /** Omit for a single-server cluster (always leader). */
  readonly leadership?: Leadership;
  /** Stream events per peering ID, e.g. for a simulator's logs (never carries secrets). */
  readonly onEvent?: (peeringID: string, event: SessionEvent) => void;
}

/** A running (or ready to run) acceptor. */
export interface PeerStreamServer {
  /** Binds over TLS and resolves to the port (pass 0 for any free port). */
  listen(host?: string, port?: number): Promise<number>;
  /** Raw stream state of a peering, or undefined if it never connected. */
  streamStatus(peeringID: string): StreamStatus | undefined;
  /** Consul's `StreamStatus` JSON for a peering, or undefined if it never connected. */
  consulStreamStatus(peeringID: string): ConsulStreamStatus | undefined;
  /** Whether a stream for the peering is connected right now (ACTIVE in Consul's reads). */
  isConnected(peeringID: string): boolean;
  /** Sends Terminated on the peering's stream (the peering was deleted locally). */
  terminate(peeringID: string): boolean;
  /** Stops accepting, closes streams gracefully, then forces the rest. */
  close(): Promise<void>;
}

function listenOn(server: Server, address: string, tls: PeeringServerTls): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, createPeeringServerCredentials(tls), (error, port) => {
      if (error) reject(new Error(`cannot listen on ${address}: ${error.message}`));
      else resolve(port);
    });
  });
}

/** Creates the acceptor; nothing listens until `listen`. */
export function createPeerStreamServer(options: PeerStreamServerOptions): PeerStreamServer {
  const trackers = new Map<string, StreamTracker>();
  const sessions = new Map<string, StreamSession>();
  const clock = options.clock ?? systemClock;
  const context: StreamContext = {
    store: options.store,
    clock,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    leadership: options.leadership,
    sessions,
    onEvent: options.onEvent,
    tracker(id) {
      let tracker = trackers.get(id);
      if (tracker === undefined) {
        tracker = new StreamTracker(clock);
        trackers.set(id, tracker);
      }
      return tracker;
    },
  };
  const server = new Server({ 'grpc.max_receive_message_length': 50 * 1024 * 1024 });
  server.addService(PeerStreamServiceService, {
    // No leadership check: Consul forwards ExchangeSecret to its leader, so followers answer it
    // (stream_resources.go); here the store stands for the state all servers share.
    exchangeSecret: exchangeSecretHandler(options.store),
    streamResources: (call: ServerDuplexStream<ReplicationMessage, ReplicationMessage>) => {
      void serveStream(context, call);
    },
  });
  const terminate = (id: string): boolean => {
    const session = sessions.get(id);
    session?.terminate();
    return session !== undefined;
  };
  const stopWatching = options.store.watchDeletions?.(terminate);
  return {
    listen: (host = '127.0.0.1', port = 0) => listenOn(server, `${host}:${port}`, options.tls),
    streamStatus: (id) => trackers.get(id)?.status(),
    consulStreamStatus: (id) => trackers.get(id)?.consulStreamStatus(),
    isConnected: (id) => sessions.has(id),
    terminate,
    close: () =>
      new Promise<void>((resolve) => {
        stopWatching?.();
        for (const session of sessions.values()) session.close();
        server.tryShutdown(() => resolve());
        clock.setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000);
      }),
  };
}
