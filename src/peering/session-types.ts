/** The types a StreamSession shares with its owners (the acceptor handler and the dialer). */
import type { status } from '@grpc/grpc-js';
import type { Clock } from './clock.ts';
import type { ExportSource } from './export-set.ts';
import type { ReplicationMessage } from './generated/private/pbpeerstream/peerstream.ts';
import type { ImportSink } from './imported-state.ts';
import type { StreamTracker } from './stream-tracker.ts';

/** Why a session ended; the owner maps it to a gRPC status or a reconnect. */
export type SessionEnd =
  | { readonly kind: 'terminated-by-peer' }
  | { readonly kind: 'terminated-locally' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'heartbeat-timeout'; readonly message: 'heartbeat timeout' }
  | { readonly kind: 'protocol-error'; readonly code: status; readonly message: string }
  | { readonly kind: 'stream-ended'; readonly message: string | undefined };

/** Something that happened on the stream, for probes, tests and logs (never carries secrets). */
export type SessionEvent =
  | { readonly type: 'heartbeat-sent' | 'heartbeat-received' }
  | { readonly type: 'subscribed'; readonly resourceURL: string }
  | { readonly type: 'response-sent'; readonly resourceURL: string; readonly nonce: string }
  | { readonly type: 'ack' | 'nack-received'; readonly resourceURL: string; readonly nonce: string }
  | { readonly type: 'applied' | 'nack-sent'; readonly resourceURL: string; readonly resourceID: string };

/** Everything a session needs; `remotePeerID` goes into the dialer's subscription requests. */
export interface SessionOptions {
  readonly role: 'acceptor' | 'dialer';
  readonly remotePeerID: string;
  readonly exports: ExportSource;
  readonly imports: ImportSink;
  readonly tracker: StreamTracker;
  readonly clock: Clock;
  readonly heartbeatIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly onEvent?: ((event: SessionEvent) => void) | undefined;
}

/** Sends messages to the peer; throws when the stream is gone. */
export type SendMessage = (message: ReplicationMessage) => void;

/** A short, secret-free description of how a session ended. */
export function sessionEndMessage(end: SessionEnd): string {
  switch (end.kind) {
    case 'terminated-by-peer':
      return 'peer terminated the peering';
    case 'terminated-locally':
      return 'peering deleted locally';
    case 'closed':
      return 'stream closed';
    case 'stream-ended':
      return end.message ?? 'stream ended unexpectedly';
    default:
      return end.message;
  }
}
