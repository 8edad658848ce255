/**
 * The dialer's side of one StreamResources call: sends Open with the stream secret and the
 * dialer's own RemoteInfo, then runs a StreamSession and reports how the call ended.
 */
import type { ServiceError } from '@grpc/grpc-js';
import type { Clock } from './clock.ts';
import type { ExportSource } from './export-set.ts';
import type { RemoteInfo } from './generated/private/pbpeering/peering.ts';
import type {
  PeerStreamServiceClient,
  ReplicationMessage,
} from './generated/private/pbpeerstream/peerstream.ts';
import type { ImportSink } from './imported-state.ts';
import type { PeerTarget } from './peer-client.ts';
import { classifyStreamError, PeeringError } from './peering-error.ts';
import { type SessionEnd, type SessionEvent, StreamSession } from './stream-session.ts';
import type { StreamTracker } from './stream-tracker.ts';

/** What one stream attempt needs. */
export interface StreamCallOptions {
  readonly client: PeerStreamServiceClient;
  readonly address: string;
  readonly target: PeerTarget;
  readonly streamSecret: string;
  readonly local: RemoteInfo;
  readonly exports: ExportSource;
  readonly imports: ImportSink;
  readonly tracker: StreamTracker;
  readonly clock: Clock;
  readonly heartbeatIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly onEvent?: ((event: SessionEvent) => void) | undefined;
}

/** How a stream attempt ended; `error` is undefined for graceful ends. */
export interface StreamCallResult {
  readonly end: SessionEnd;
  readonly error: PeeringError | undefined;
}

/** A running stream attempt. */
export interface StreamCall {
  readonly session: StreamSession;
  /** Resolves when the acceptor sends its first message: the Open was accepted. */
  readonly accepted: Promise<void>;
  readonly result: Promise<StreamCallResult>;
}

function endError(
  end: SessionEnd,
  callError: ServiceError | undefined,
  address: string,
): PeeringError | undefined {
  if (callError !== undefined) return classifyStreamError(callError, address);
  switch (end.kind) {
    case 'heartbeat-timeout':
      return new PeeringError(
        'heartbeat-timeout',
        `${address}: no heartbeat from the peer: heartbeat timeout`,
      );
    case 'protocol-error':
      return new PeeringError(
        'stream-refused',
        `${address}: peer broke the protocol: ${end.message}`,
        end.code,
      );
    case 'terminated-by-peer':
      return new PeeringError('terminated', `${address}: the peer deleted the peering (Terminated)`);
    case 'stream-ended':
      return new PeeringError(
        'stream-refused',
        `${address}: stream ended: ${end.message ?? 'stream ended unexpectedly'}`,
      );
    default:
      return undefined;
  }
}

/** Opens StreamResources on `client` and starts replicating. */
export function openStreamCall(options: StreamCallOptions): StreamCall {
  const call = options.client.streamResources();
  const open = { PeerID: options.target.peerID, StreamSecretID: options.streamSecret, Remote: options.local };
  call.write({ Payload: { $case: 'open', value: open } } satisfies ReplicationMessage);
  const session = new StreamSession((message) => call.write(message), {
    role: 'dialer',
    remotePeerID: options.target.peerID,
    exports: options.exports,
    imports: options.imports,
    tracker: options.tracker,
    clock: options.clock,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs,
    onEvent: options.onEvent,
  });
  let markAccepted: () => void = () => {};
  const accepted = new Promise<void>((resolve) => {
    markAccepted = resolve;
  });
  let callError: ServiceError | undefined;
  const callStatus = new Promise<void>((resolve) => call.on('status', () => resolve()));
  call.on('data', (message: ReplicationMessage) => {
    markAccepted();
    session.receive(message);
  });
  call.on('error', (error: ServiceError) => {
    callError = error;
    session.transportEnded(error.details);
  });
  call.on('end', () => session.transportEnded());
  session.start();
  const result = session.done.then(async (end): Promise<StreamCallResult> => {
    // Decide before closing: our own cancel below would otherwise look like a failure.
    const error = endError(end, callError, options.address);
    if (end.kind === 'heartbeat-timeout' || end.kind === 'protocol-error') call.cancel();
    else if (end.kind !== 'stream-ended') {
      // Half-close like Consul's dialer, then give the acceptor a moment to send its status.
      call.end();
      await Promise.race([
        callStatus,
        new Promise((r) => options.clock.setTimeout(() => r(undefined), 1_000)),
      ]);
      call.cancel();
    }
    return { end, error };
  });
  return { session, accepted, result };
}
