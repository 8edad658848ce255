/**
 * A full dialer handshake against an acceptor, stage by stage with latencies: TLS, secret
 * exchange, Open, subscriptions, one heartbeat round trip, trust bundle; then a clean close. Each
 * token can be probed once: the establishment secret is single use.
 */
import { type Clock, DEFAULT_HEARTBEAT_INTERVAL_MS, systemClock } from './clock.ts';
import { createExportSet } from './export-set.ts';
import type { RemoteInfo } from './generated/private/pbpeering/peering.ts';
import { ImportedState } from './imported-state.ts';
import { createPeerClient, exchangeSecretWith, targetFromToken } from './peer-client.ts';
import { openStreamCall, type StreamCall } from './peer-stream-call.ts';
import { PeeringError } from './peering-error.ts';
import type { PeeringToken } from './peering-token.ts';
import { type ProbeReport, type ProbeRun, probeStage } from './probe-run.ts';
import { ACCEPTOR_SUBSCRIPTIONS, ResourceURL } from './resource-urls.ts';
import type { SessionEvent } from './session-types.ts';
import { StreamTracker } from './stream-tracker.ts';
import { checkTls } from './tls-check.ts';
import { TokenError } from './token-error.ts';
import { validateToken } from './token-validate.ts';

export type { ProbeReport, ProbeStage, ProbeStageResult } from './probe-run.ts';

/** How to probe. */
export interface ProbeOptions {
  /** The RemoteInfo sent in Open; defaults to partition "default", datacenter "meshpeer-probe". */
  readonly local?: RemoteInfo;
  /** Overall budget; Consul acceptors send their first heartbeat after 15 s, so keep it above. */
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly clock?: Clock;
}

const DEFAULT_LOCAL: RemoteInfo = { Partition: 'default', Datacenter: 'meshpeer-probe', Locality: undefined };

/** Tries the TLS handshake on each address in order; returns the first that works. */
async function connectStage(token: PeeringToken, timeoutMs: number): Promise<string> {
  const target = targetFromToken(token);
  let last: PeeringError | undefined;
  for (const address of target.addresses) {
    try {
      await checkTls(address, target, timeoutMs);
      return address;
    } catch (error) {
      last =
        error instanceof PeeringError ? error : new PeeringError('connect', `${address}: ${String(error)}`);
    }
  }
  throw last ?? new PeeringError('connect', 'the token has no addresses');
}

/** Runs the handshake and returns a report; never throws for protocol failures. */
export async function probe(token: PeeringToken, options: ProbeOptions = {}): Promise<ProbeReport> {
  const clock = options.clock ?? systemClock;
  const run = probeStage(clock, options.timeoutMs ?? 30_000);
  try {
    await run.stage('validate', async () => {
      try {
        validateToken(token);
      } catch (error) {
        if (error instanceof TokenError)
          throw new PeeringError('invalid-token', `invalid token: ${error.message}`);
        throw error;
      }
    });
    const address = await run.stage('connect', () => connectStage(token, options.connectTimeoutMs ?? 5_000));
    run.setAddress(address);
    await streamStages(run, token, address, options, clock);
  } catch {
    // The failing stage is already recorded in the report.
  }
  return run.report();
}

async function streamStages(
  run: ProbeRun,
  token: PeeringToken,
  address: string,
  options: ProbeOptions,
  clock: Clock,
) {
  const target = targetFromToken(token);
  const client = createPeerClient(address, target);
  const events: SessionEvent[] = [];
  const waiters = new Set<() => void>();
  const waitFor = (predicate: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  let call: StreamCall | undefined;
  try {
    const request = { PeerID: token.PeerID, EstablishmentSecret: token.EstablishmentSecret };
    const secret = await run.stage('exchange-secret', () =>
      exchangeSecretWith(client, address, request, 5_000),
    );
    call = openStreamCall({
      client,
      address,
      target,
      streamSecret: secret,
      local: options.local ?? DEFAULT_LOCAL,
      exports: createExportSet(),
      imports: new ImportedState(),
      tracker: new StreamTracker(clock),
      clock,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: options.timeoutMs ?? 30_000,
      onEvent: (event) => {
        events.push(event);
        for (const waiter of [...waiters]) waiter();
      },
    });
    const failed = call.result.then((r) => {
      throw r.error ?? new PeeringError('stream-refused', `${address}: the stream ended during the probe`);
    });
    failed.catch(() => undefined);
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failed]);
    const has = (f: (e: SessionEvent) => boolean): boolean => events.some(f);
    await run.stage('open', () => guard(call?.accepted ?? Promise.resolve()));
    await run.stage('subscriptions', () =>
      guard(
        waitFor(() =>
          ACCEPTOR_SUBSCRIPTIONS.every((url) => has((e) => e.type === 'subscribed' && e.resourceURL === url)),
        ),
      ),
    );
    await run.stage('heartbeat', () => guard(waitFor(() => has((e) => e.type === 'heartbeat-received'))));
    await run.stage('trust-bundle', () =>
      guard(waitFor(() => has((e) => e.type === 'applied' && e.resourceURL === ResourceURL.trustBundle))),
    );
    await run.stage('close', async () => {
      call?.session.close();
      await call?.result;
    });
  } finally {
    call?.session.close();
    client.close();
  }
}
