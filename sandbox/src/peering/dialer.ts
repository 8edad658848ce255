/**
 * The dialer: exchanges the token's establishment secret, then keeps a StreamResources stream to
 * the acceptor open like Consul's leader does: addresses in order, reconnect with capped
 * exponential backoff, fast retries on the next address after FailedPrecondition (a follower).
 */

import { type BackoffPolicy, CONSUL_BACKOFF, nextDelay } from '../../../src/peering/backoff.ts';
import {
  type Clock,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  systemClock,
} from '../../../src/peering/clock.ts';
import { createExportSet, type ExportSource } from '../../../src/peering/export-set.ts';
import type { RemoteInfo } from '../../../src/peering/generated/private/pbpeering/peering.ts';
import { ImportedState, type ImportSink } from '../../../src/peering/imported-state.ts';
import {
  createPeerClient,
  exchangeSecretWith,
  type PeerTarget,
  targetFromToken,
} from '../../../src/peering/peer-client.ts';
import { openStreamCall, type StreamCallResult } from '../../../src/peering/peer-stream-call.ts';
import { PeeringError } from '../../../src/peering/peering-error.ts';
import type { PeeringToken } from '../../../src/peering/peering-token.ts';
import type { SessionEvent } from '../../../src/peering/stream-session.ts';
import {
  type ConsulStreamStatus,
  type StreamStatus,
  StreamTracker,
} from '../../../src/peering/stream-tracker.ts';

/** Options shared by `dialPeer` and `startPeerStream`. */
export interface PeerStreamOptions {
  /** This cluster's partition, datacenter and locality, sent in Open. */
  readonly local: RemoteInfo;
  readonly exports?: ExportSource;
  /** Defaults to a fresh ImportedState. */
  readonly imports?: ImportSink;
  readonly clock?: Clock;
  readonly heartbeatIntervalMs?: number;
  readonly idleTimeoutMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  readonly onEvent?: (event: DialerEvent) => void;
}

/** Session events plus the dialer's own connection lifecycle. */
export type DialerEvent =
  | SessionEvent
  | { readonly type: 'connecting'; readonly address: string }
  | { readonly type: 'connected'; readonly address: string }
  | { readonly type: 'disconnected'; readonly address: string; readonly error: PeeringError | undefined }
  | { readonly type: 'retrying'; readonly delayMs: number };

/** The dialer's state, in Consul's terms where they exist. */
export type DialerState = 'connecting' | 'active' | 'backoff' | 'terminated' | 'closed';

/** A running dialer. */
export interface PeerDialer {
  readonly imports: ImportSink;
  state(): DialerState;
  status(): StreamStatus;
  consulStreamStatus(): ConsulStreamStatus;
  /** The addresses the dialer currently rotates through. */
  addresses(): readonly string[];
  /** Resolves when the dialer stops for good: closed locally or terminated by the peer. */
  readonly done: Promise<DialerState>;
  /** Sends Terminated (the peering was deleted here) and stops. */
  terminate(): Promise<void>;
  /** Stops without telling the peer. */
  close(): Promise<void>;
}

/** Calls ExchangeSecret on each token address in order; PermissionDenied is never retried. */
export async function exchangeTokenSecret(token: PeeringToken, deadlineMs = 2_000): Promise<string> {
  const target = targetFromToken(token);
  const errors: PeeringError[] = [];
  for (const address of target.addresses) {
    const client = createPeerClient(address, target);
    try {
      const request = { PeerID: token.PeerID, EstablishmentSecret: token.EstablishmentSecret };
      return await exchangeSecretWith(client, address, request, deadlineMs);
    } catch (error) {
      if (!(error instanceof PeeringError)) throw error;
      if (error.code === 'secret-used') throw error;
      errors.push(error);
    } finally {
      client.close();
    }
  }
  const detail = errors.map((e) => e.message).join('; ');
  throw new PeeringError(errors[0]?.code ?? 'connect', `failed to exchange peering secret: ${detail}`);
}

/** Establishes like `POST /v1/peering/establish`, then streams: the whole dialer in one call. */
export async function dialPeer(token: PeeringToken, options: PeerStreamOptions): Promise<PeerDialer> {
  const streamSecret = await exchangeTokenSecret(token);
  return startPeerStream(targetFromToken(token), streamSecret, options);
}

/** Streams to an already established peering (the stream secret is stored dialer-side). */
export function startPeerStream(
  target: PeerTarget,
  streamSecret: string,
  options: PeerStreamOptions,
): PeerDialer {
  const clock = options.clock ?? systemClock;
  const tracker = new StreamTracker(clock);
  const imports = options.imports ?? new ImportedState();
  const exports = options.exports ?? createExportSet();
  const policy: BackoffPolicy = { ...CONSUL_BACKOFF, ...options.backoff };
  let state: DialerState = 'connecting';
  let addresses = [...target.addresses];
  let stopRequested: 'close' | 'terminate' | undefined;
  let current: { session: { close(): void; terminate(): void } } | undefined;
  let wake: (() => void) | undefined;
  const emit = (event: DialerEvent): void => options.onEvent?.(event);

  const watchAddresses: ImportSink = {
    applyServiceList: (names) => imports.applyServiceList(names),
    applyService: (name, nodes) => imports.applyService(name, nodes),
    applyTrustBundle: (bundle) => imports.applyTrustBundle(bundle),
    clear: () => imports.clear(),
    applyServerAddresses: (list) => {
      // Replicated addresses replace the token's, unless the token pinned manual addresses.
      if (list.length > 0 && !target.manual) addresses = [...list];
      return imports.applyServerAddresses(list);
    },
  };

  const attempt = async (address: string): Promise<StreamCallResult & { accepted: boolean }> => {
    let accepted = false;
    const client = createPeerClient(address, target);
    emit({ type: 'connecting', address });
    const call = openStreamCall({
      client,
      address,
      target,
      streamSecret,
      local: options.local,
      exports,
      imports: watchAddresses,
      tracker,
      clock,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      onEvent: options.onEvent,
    });
    current = call;
    void call.accepted.then(() => {
      accepted = true;
      state = 'active';
      emit({ type: 'connected', address });
    });
    if (stopRequested === 'terminate') call.session.terminate();
    else if (stopRequested === 'close') call.session.close();
    const result = await call.result;
    current = undefined;
    client.close();
    emit({ type: 'disconnected', address, error: result.error });
    return { ...result, accepted };
  };

  const loop = async (): Promise<DialerState> => {
    let failures = 0;
    let index = 0;
    while (stopRequested === undefined) {
      const address = addresses[index % addresses.length] ?? '';
      state = 'connecting';
      const result = await attempt(address);
      if (result.end.kind === 'terminated-by-peer') return 'terminated';
      if (stopRequested !== undefined) break;
      failures = result.accepted ? 1 : failures + 1;
      index += 1;
      const delayMs = nextDelay(policy, failures, result.error?.code === 'follower');
      state = 'backoff';
      emit({ type: 'retrying', delayMs });
      await new Promise<void>((resolve) => {
        const timer = clock.setTimeout(resolve, delayMs);
        wake = () => {
          timer.cancel();
          resolve();
        };
      });
      wake = undefined;
    }
    return 'closed';
  };

  const done = loop().then((final) => {
    state = final;
    return final;
  });
  const stop = async (how: 'close' | 'terminate'): Promise<void> => {
    stopRequested ??= how;
    if (how === 'terminate') current?.session.terminate();
    else current?.session.close();
    wake?.();
    await done;
  };
  return {
    imports,
    state: () => state,
    status: () => tracker.status(),
    consulStreamStatus: () => tracker.consulStreamStatus(),
    addresses: () => addresses,
    done,
    terminate: () => stop('terminate'),
    close: () => stop('close'),
  };
}
