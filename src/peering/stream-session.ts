/**
 * One live peering stream after Open, the same for both ends: subscriptions, Responses with
 * nonces, ACK/NACK, heartbeats, the idle timeout and Terminated, following Consul's
 * `realHandleStream`. Transport-agnostic: the acceptor and dialer feed it gRPC messages.
 */
import type { TimerHandle } from './clock.ts';
import type {
  ReplicationMessage,
  ReplicationMessage_Request,
} from './generated/private/pbpeerstream/peerstream.ts';
import { ReplicationOutbox } from './replication-outbox.ts';
import { judgeRequest } from './request-rules.ts';
import { ACCEPTOR_SUBSCRIPTIONS, DIALER_SUBSCRIPTIONS } from './resource-urls.ts';
import { handleResponse, type ImportedChange } from './response-handler.ts';
import {
  type SendMessage,
  type SessionEnd,
  type SessionEvent,
  type SessionOptions,
  sessionEndMessage,
} from './session-types.ts';

export type { SendMessage, SessionEnd, SessionEvent, SessionOptions } from './session-types.ts';
export { sessionEndMessage } from './session-types.ts';

/** Drives one stream from the first subscription to its end. */
export class StreamSession {
  readonly done: Promise<SessionEnd>;
  private resolveDone!: (end: SessionEnd) => void;
  private readonly outbox: ReplicationOutbox;
  private readonly imported = new Set<string>();
  private timers: TimerHandle[] = [];
  private idle: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly send: SendMessage,
    private readonly options: SessionOptions,
  ) {
    this.outbox = new ReplicationOutbox(options.exports);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Subscribes, starts heartbeats and the idle timer, and follows export changes. */
  start(): void {
    if (this.ended) return;
    const { options } = this;
    options.tracker.connected();
    options.tracker.setExportedServices(this.outbox.exportedServiceNames());
    const urls = options.role === 'acceptor' ? ACCEPTOR_SUBSCRIPTIONS : DIALER_SUBSCRIPTIONS;
    for (const url of urls) {
      const value = { PeerID: options.remotePeerID, ResponseNonce: '', ResourceURL: url, Error: undefined };
      this.transmit({ Payload: { $case: 'request', value } });
    }
    // Consul's realHandleStream heartbeats on a ticker: the first one goes out a full interval
    // (15 s) after the stream opens, never at once.
    this.timers.push(options.clock.setInterval(() => this.sendHeartbeat(), options.heartbeatIntervalMs));
    this.resetIdleTimer();
    this.unsubscribe = options.exports.subscribe(() => this.flushExports());
  }

  /** Handles one message from the peer, in arrival order. */
  receive(message: ReplicationMessage): void {
    this.queue = this.queue.then(() => this.dispatch(message));
  }

  /** The transport ended: EOF is `undefined`, anything else an error message. */
  transportEnded(message?: string): void {
    if (this.ended) return;
    this.options.tracker.recvError(message ?? 'stream ended unexpectedly');
    this.finish({ kind: 'stream-ended', message });
  }

  /** The local peering was deleted: tell the peer with Terminated, then stop. */
  terminate(): void {
    if (this.ended) return;
    this.transmit({ Payload: { $case: 'terminated', value: {} } });
    this.finish({ kind: 'terminated-locally' });
  }

  /** Stops without telling the peer (a graceful local shutdown). */
  close(): void {
    this.finish({ kind: 'closed' });
  }

  private async dispatch(message: ReplicationMessage): Promise<void> {
    if (this.ended) return;
    const payload = message.Payload;
    switch (payload?.$case) {
      case 'request':
        return this.onRequest(payload.value);
      case 'response': {
        const outcome = await handleResponse(payload.value, this.options.imports);
        if (this.ended) return;
        this.recordOutcome(
          payload.value.ResourceURL,
          payload.value.ResourceID,
          outcome.error,
          outcome.imported,
        );
        this.transmit(outcome.reply);
        return;
      }
      case 'heartbeat':
        this.options.tracker.recvHeartbeat();
        this.emit({ type: 'heartbeat-received' });
        this.resetIdleTimer();
        return;
      case 'terminated':
        await this.options.imports.clear();
        this.imported.clear();
        this.finish({ kind: 'terminated-by-peer' });
        return;
      default:
        // A second Open or an empty message: Consul ignores payloads it does not handle here.
        return;
    }
  }

  private onRequest(req: ReplicationMessage_Request): void {
    const verdict = judgeRequest(req, this.options, (url) => this.outbox.isSubscribed(url));
    const { tracker } = this.options;
    switch (verdict.kind) {
      case 'error':
        this.finish({ kind: 'protocol-error', code: verdict.code, message: verdict.message });
        return;
      case 'subscribe':
        this.outbox.subscribe(verdict.url);
        tracker.ack();
        this.emit({ type: 'subscribed', resourceURL: verdict.url });
        this.flushExports();
        return;
      case 'ack':
        tracker.ack();
        this.emit({ type: 'ack', resourceURL: req.ResourceURL, nonce: req.ResponseNonce });
        return;
      case 'nack':
        tracker.nack(`client peer was unable to apply resource: ${verdict.message}`);
        this.emit({ type: 'nack-received', resourceURL: req.ResourceURL, nonce: req.ResponseNonce });
        return;
      default:
        return;
    }
  }

  private recordOutcome(url: string, id: string, error: string | undefined, change?: ImportedChange): void {
    const { tracker } = this.options;
    if (error !== undefined) {
      tracker.recvError(error);
      this.emit({ type: 'nack-sent', resourceURL: url, resourceID: id });
      return;
    }
    tracker.recvResourceSuccess();
    if (change?.kind === 'list') {
      const keep = new Set(change.names);
      for (const name of [...this.imported]) if (!keep.has(name)) this.imported.delete(name);
    } else if (change?.kind === 'service') {
      if (change.present) this.imported.add(change.name);
      else this.imported.delete(change.name);
    }
    tracker.setImportedServices([...this.imported]);
    this.emit({ type: 'applied', resourceURL: url, resourceID: id });
  }

  private flushExports(): void {
    if (this.ended) return;
    this.options.tracker.setExportedServices(this.outbox.exportedServiceNames());
    for (const message of this.outbox.drain()) {
      this.transmit(message);
      if (message.Payload?.$case === 'response') {
        const { ResourceURL, Nonce } = message.Payload.value;
        this.emit({ type: 'response-sent', resourceURL: ResourceURL, nonce: Nonce });
      }
    }
  }

  private sendHeartbeat(): void {
    this.transmit({ Payload: { $case: 'heartbeat', value: {} } });
    this.emit({ type: 'heartbeat-sent' });
  }

  private transmit(message: ReplicationMessage): void {
    if (this.ended) return;
    const isResponse = message.Payload?.$case === 'response';
    try {
      this.send(message);
      if (isResponse) this.options.tracker.sendSuccess();
    } catch (error) {
      if (isResponse) this.options.tracker.sendError();
      this.finish({ kind: 'stream-ended', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private resetIdleTimer(): void {
    this.idle?.cancel();
    this.idle = this.options.clock.setTimeout(
      () => this.finish({ kind: 'heartbeat-timeout', message: 'heartbeat timeout' }),
      this.options.idleTimeoutMs,
    );
  }

  private emit(event: SessionEvent): void {
    this.options.onEvent?.(event);
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) timer.cancel();
    this.idle?.cancel();
    this.unsubscribe?.();
    const graceful =
      end.kind === 'terminated-by-peer' || end.kind === 'terminated-locally' || end.kind === 'closed';
    this.options.tracker.disconnected(graceful ? undefined : sessionEndMessage(end));
    this.resolveDone(end);
  }
}
