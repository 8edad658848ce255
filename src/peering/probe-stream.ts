/**
 * The probe's stream stages after TLS: one secret exchange (the establishment secret is single
 * use), Open with retries toward the leader on FailedPrecondition (reusing the stream secret),
 * subscriptions, optionally the first heartbeat, the trust bundle, then a clean close.
 */
import { CONSUL_BACKOFF, nextDelay } from './backoff.ts';
import type { Clock } from './clock.ts';
import { createExportSet } from './export-set.ts';
import type { RemoteInfo } from './generated/private/pbpeering/peering.ts';
import type { PeerStreamServiceClient } from './generated/private/pbpeerstream/peerstream.ts';
import { ImportedState } from './imported-state.ts';
import { nextAfterFollower } from './leader-address.ts';
import { createPeerClient, exchangeSecretWith, type PeerTarget } from './peer-client.ts';
import { openStreamCall, type StreamCall } from './peer-stream-call.ts';
import { PeeringError } from './peering-error.ts';
import type { ProbeRun } from './probe-run.ts';
import { ACCEPTOR_SUBSCRIPTIONS, ResourceURL } from './resource-urls.ts';
import type { SessionEvent } from './session-types.ts';
import { StreamTracker } from './stream-tracker.ts';

/** What the stream stages need from the probe's options. */
export interface StreamStageOptions {
  readonly local: RemoteInfo;
  readonly heartbeatIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly awaitHeartbeat: boolean;
  readonly clock: Clock;
}

/** Opens after a follower refusal: 12 tries cover about 2 s of Consul's follower backoff. */
const MAX_OPEN_ATTEMPTS = 12;

interface OpenedStream {
  readonly call: StreamCall;
  readonly client: PeerStreamServiceClient;
  readonly address: string;
}

/** Records stream events and lets stages wait for one. */
class EventLog {
  private readonly events: SessionEvent[] = [];
  private readonly waiters = new Set<() => void>();

  push = (event: SessionEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.waiters]) waiter();
  };

  waitFor(predicate: (e: SessionEvent) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.events.some(predicate)) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  waitForAll(predicates: ReadonlyArray<(e: SessionEvent) => boolean>): Promise<void> {
    return Promise.all(predicates.map((p) => this.waitFor(p))).then(() => undefined);
  }
}

/** Opens one stream attempt and resolves once the acceptor accepted it, or rejects with why not. */
async function openOnce(
  client: PeerStreamServiceClient,
  address: string,
  target: PeerTarget,
  secret: string,
  log: EventLog,
  options: StreamStageOptions,
  signal: AbortSignal,
): Promise<StreamCall> {
  if (signal.aborted) throw new PeeringError('timeout', `${address}: the probe's deadline passed`);
  const call = openStreamCall({
    client,
    address,
    target,
    streamSecret: secret,
    local: options.local,
    exports: createExportSet(),
    imports: new ImportedState(),
    tracker: new StreamTracker(options.clock),
    clock: options.clock,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    idleTimeoutMs: options.idleTimeoutMs,
    onEvent: log.push,
  });
  const ended = call.result.then((r) => {
    throw (
      r.error ?? new PeeringError('stream-refused', `${address}: the stream ended before it was accepted`)
    );
  });
  ended.catch(() => undefined);
  // The probe's deadline may pass while this attempt waits: closing ends it instead of leaking it.
  const abandon = (): void => call.session.close();
  signal.addEventListener('abort', abandon, { once: true });
  try {
    await Promise.race([call.accepted, ended]);
  } finally {
    signal.removeEventListener('abort', abandon);
  }
  if (signal.aborted) {
    call.session.close();
    throw new PeeringError('timeout', `${address}: the probe's deadline passed while opening the stream`);
  }
  return call;
}

/** Opens the stream, following a follower's leader hint (or the next address) with Consul's short delays. */
async function openTowardLeader(
  first: { client: PeerStreamServiceClient; address: string },
  target: PeerTarget,
  secret: string,
  log: EventLog,
  options: StreamStageOptions,
  signal: AbortSignal,
): Promise<OpenedStream> {
  let { client, address } = first;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const call = await openOnce(client, address, target, secret, log, options, signal);
      return { call, client, address };
    } catch (error) {
      if (client !== first.client) client.close();
      const retry = error instanceof PeeringError && error.code === 'follower' && !signal.aborted;
      if (!retry || attempt >= MAX_OPEN_ATTEMPTS) throw error;
      address = nextAfterFollower(address, error.leaderAddress, target.addresses);
      // A fresh client is a fresh connection: behind a gateway it may reach another server.
      client = createPeerClient(address, target);
      const delayMs = nextDelay(CONSUL_BACKOFF, attempt, true);
      await new Promise<void>((resolve) => options.clock.setTimeout(resolve, delayMs));
    }
  }
}

/** Runs exchange-secret through close on `address`; records the address that accepted the stream. */
export async function streamStages(
  run: ProbeRun,
  target: PeerTarget & { readonly establishmentSecret: string },
  address: string,
  options: StreamStageOptions,
): Promise<void> {
  const exchangeClient = createPeerClient(address, target);
  const log = new EventLog();
  const abandoned = new AbortController();
  let opened: OpenedStream | undefined;
  try {
    const request = { PeerID: target.peerID, EstablishmentSecret: target.establishmentSecret };
    const secret = await run.stage('exchange-secret', () =>
      exchangeSecretWith(exchangeClient, address, request, 5_000),
    );
    opened = await run.stage('open', () =>
      openTowardLeader({ client: exchangeClient, address }, target, secret, log, options, abandoned.signal),
    );
    run.setAddress(opened.address);
    const { call } = opened;
    const failed = call.result.then((r) => {
      throw (
        r.error ?? new PeeringError('stream-refused', `${opened?.address}: the stream ended during the probe`)
      );
    });
    failed.catch(() => undefined);
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failed]);
    const subscribed = ACCEPTOR_SUBSCRIPTIONS.map(
      (url) => (e: SessionEvent) => e.type === 'subscribed' && e.resourceURL === url,
    );
    await run.stage('subscriptions', () => guard(log.waitForAll(subscribed)));
    if (options.awaitHeartbeat)
      await run.stage('heartbeat', () => guard(log.waitFor((e) => e.type === 'heartbeat-received')));
    await run.stage('trust-bundle', () =>
      guard(log.waitFor((e) => e.type === 'applied' && e.resourceURL === ResourceURL.trustBundle)),
    );
    await run.stage('close', async () => {
      call.session.close();
      await call.result;
    });
  } finally {
    abandoned.abort();
    opened?.call.session.close();
    if (opened !== undefined && opened.client !== exchangeClient) opened.client.close();
    exchangeClient.close();
  }
}
