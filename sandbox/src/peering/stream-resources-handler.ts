/**
 * The acceptor's StreamResources RPC, following Consul's `StreamResources`: leader check, first
 * message Open, peering and secret checks with pending-to-active promotion, one stream per peering,
 * then a StreamSession until it ends, mapped to the status code Consul returns.
 */
import { Metadata, type ServerDuplexStream, status } from '@grpc/grpc-js';
import type { Clock } from '../../../src/peering/clock.ts';
import {
  LeaderAddress,
  type ReplicationMessage,
  type ReplicationMessage_Open,
} from '../../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { Status } from '../../../src/peering/generated/private/pbstatus/status.ts';
import { LEADER_ADDRESS_TYPE_URL, packAny } from '../../../src/peering/resource-urls.ts';
import { type SessionEnd, type SessionEvent, StreamSession } from '../../../src/peering/stream-session.ts';
import type { StreamTracker } from '../../../src/peering/stream-tracker.ts';
import { grpcError } from './exchange-secret-handler.ts';
import type { PeeringStore, StoredPeering } from './peering-store.ts';
import { secretsEqual } from './secret-compare.ts';

type Call = ServerDuplexStream<ReplicationMessage, ReplicationMessage>;

/** Raft leadership as seen by this server; followers refuse streams with FailedPrecondition. */
export interface Leadership {
  isLeader(): boolean;
  leaderAddress(): string;
}

/** The server state the handler shares with PeerStreamServer. */
export interface StreamContext {
  readonly store: PeeringStore;
  readonly clock: Clock;
  readonly heartbeatIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly leadership: Leadership | undefined;
  readonly sessions: Map<string, StreamSession>;
  tracker(id: string): StreamTracker;
  readonly onEvent: ((peeringID: string, event: SessionEvent) => void) | undefined;
}

class Refusal {
  constructor(
    readonly code: status,
    readonly message: string,
    readonly metadata?: Metadata,
  ) {}
}

function refuse(call: Call, refusal: Refusal): void {
  call.emit('error', {
    ...grpcError(refusal.code, refusal.message),
    metadata: refusal.metadata ?? new Metadata(),
  });
}

function followerRefusal(leadership: Leadership): Refusal {
  const message = 'cannot establish a peering stream on a follower node';
  const detail = packAny(
    LEADER_ADDRESS_TYPE_URL,
    LeaderAddress.encode({ address: leadership.leaderAddress() }).finish(),
  );
  const metadata = new Metadata();
  const encoded = Status.encode({ code: status.FAILED_PRECONDITION, message, details: [detail] }).finish();
  metadata.set('grpc-status-details-bin', Buffer.from(encoded));
  return new Refusal(status.FAILED_PRECONDITION, message, metadata);
}

/** Reads the first message, buffering later ones until the session takes over. */
function firstMessage(call: Call): {
  first: Promise<ReplicationMessage | undefined>;
  attach(s: StreamSession): void;
} {
  const backlog: ReplicationMessage[] = [];
  let session: StreamSession | undefined;
  let resolveFirst: (m: ReplicationMessage | undefined) => void = () => {};
  let seenFirst = false;
  const first = new Promise<ReplicationMessage | undefined>((resolve) => {
    resolveFirst = resolve;
  });
  call.on('data', (message: ReplicationMessage) => {
    if (!seenFirst) {
      seenFirst = true;
      resolveFirst(message);
    } else if (session !== undefined) session.receive(message);
    else backlog.push(message);
  });
  let endedEarly: string | null | undefined;
  const ended = (message: string | undefined): void => {
    if (session !== undefined) {
      session.transportEnded(message);
      return;
    }
    endedEarly = message ?? null;
    resolveFirst(undefined);
  };
  call.on('end', () => ended(undefined));
  call.on('error', () => ended('stream error'));
  call.on('cancelled', () => ended('stream cancelled'));
  return {
    first,
    attach(s) {
      session = s;
      for (const message of backlog.splice(0)) s.receive(message);
      if (endedEarly !== undefined) s.transportEnded(endedEarly ?? undefined);
    },
  };
}

async function authorize(
  ctx: StreamContext,
  open: ReplicationMessage_Open,
  call: Call,
): Promise<StoredPeering> {
  if (open.PeerID === '')
    throw new Refusal(status.INVALID_ARGUMENT, 'initial subscription request must specify a PeerID');
  const peering = await ctx.store.peeringByID(open.PeerID);
  if (peering === undefined) {
    throw new Refusal(status.INVALID_ARGUMENT, `initial subscription for unknown PeerID: ${open.PeerID}`);
  }
  if (peering.state === 'DELETING' || peering.state === 'TERMINATED') {
    if (peering.state !== 'TERMINATED') call.write({ Payload: { $case: 'terminated', value: {} } });
    throw new Refusal(status.ABORTED, `peering is marked as deleted: ${open.PeerID}`);
  }
  const secrets = await ctx.store.secrets(open.PeerID);
  if (secrets === undefined) {
    throw new Refusal(status.INTERNAL, 'unable to authorize connection, peering must be re-established');
  }
  if (!secretsEqual(secrets.activeStream, open.StreamSecretID)) {
    if (!secretsEqual(secrets.pendingStream, open.StreamSecretID)) {
      throw new Refusal(status.PERMISSION_DENIED, 'invalid peering stream secret');
    }
    await ctx.store.promotePendingSecret(open.PeerID, open.StreamSecretID, open.Remote);
  }
  if (peering.peerID !== '') {
    throw new Refusal(
      status.INVALID_ARGUMENT,
      'expected PeerID to be empty; the wrong end of peering is being dialed',
    );
  }
  if (ctx.sessions.has(peering.id)) {
    throw new Refusal(
      status.UNKNOWN,
      'failed to register stream: there is an active stream for the given PeerID',
    );
  }
  return peering;
}

async function finishCall(
  ctx: StreamContext,
  call: Call,
  peering: StoredPeering,
  end: SessionEnd,
): Promise<void> {
  switch (end.kind) {
    case 'terminated-by-peer':
      await ctx.store.markTerminated(peering.id);
      call.end();
      return;
    case 'closed':
      call.end();
      return;
    case 'terminated-locally':
      // Consul drains until the dialer half-closes, so Terminated is read before the status.
      await new Promise<void>((resolve) => {
        const timer = ctx.clock.setTimeout(resolve, ctx.heartbeatIntervalMs);
        call.once('end', () => {
          timer.cancel();
          resolve();
        });
      });
      call.end();
      return;
    case 'heartbeat-timeout':
      return refuse(call, new Refusal(status.UNKNOWN, end.message));
    case 'protocol-error':
      return refuse(call, new Refusal(end.code, end.message));
    default:
      if (call.writable) call.end();
  }
}

/** Serves one StreamResources call to completion. */
export async function serveStream(ctx: StreamContext, call: Call): Promise<void> {
  if (ctx.leadership !== undefined && !ctx.leadership.isLeader())
    return refuse(call, followerRefusal(ctx.leadership));
  const reader = firstMessage(call);
  const first = await reader.first;
  if (first === undefined) return;
  if (first.Payload?.$case !== 'open') {
    return refuse(
      call,
      new Refusal(status.INVALID_ARGUMENT, 'first message when initiating a peering must be: Open'),
    );
  }
  let peering: StoredPeering;
  try {
    peering = await authorize(ctx, first.Payload.value, call);
  } catch (error) {
    const refusal =
      error instanceof Refusal ? error : new Refusal(status.INTERNAL, 'failed to persist peering');
    return refuse(call, refusal);
  }
  const session = new StreamSession((message) => call.write(message), {
    role: 'acceptor',
    remotePeerID: '',
    exports: ctx.store.exportsFor(peering),
    imports: ctx.store.importsFor(peering),
    tracker: ctx.tracker(peering.id),
    clock: ctx.clock,
    heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    idleTimeoutMs: ctx.idleTimeoutMs,
    onEvent: ctx.onEvent && ((event) => ctx.onEvent?.(peering.id, event)),
  });
  ctx.sessions.set(peering.id, session);
  reader.attach(session);
  session.start();
  const end = await session.done;
  ctx.sessions.delete(peering.id);
  await finishCall(ctx, call, peering, end);
}
