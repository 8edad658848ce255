/**
 * A full dialer handshake against an acceptor, stage by stage with latencies: TLS, secret
 * exchange, Open (following a follower to the leader), subscriptions, optionally the first
 * heartbeat, trust bundle; then a clean close. Each token can be probed once: the establishment
 * secret is single use. It creates nothing itself, but the token's peering becomes ACTIVE on the
 * acceptor: checkPeerHandshake is the side-effect-free check.
 */
import { type Clock, DEFAULT_HEARTBEAT_INTERVAL_MS, systemClock } from './clock.ts';
import type { RemoteInfo } from './generated/private/pbpeering/peering.ts';
import { targetFromToken } from './peer-client.ts';
import { PeeringError } from './peering-error.ts';
import type { PeeringToken } from './peering-token.ts';
import { type ProbeReport, probeStage } from './probe-run.ts';
import { streamStages } from './probe-stream.ts';
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
  /**
   * Wait for the acceptor's first heartbeat (default true). Consul sends it only 15 s after the
   * stream opens, so a quick probe turns this off.
   */
  readonly awaitHeartbeat?: boolean;
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
    const target = { ...targetFromToken(token), establishmentSecret: token.EstablishmentSecret };
    await streamStages(run, target, address, {
      local: options.local ?? DEFAULT_LOCAL,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      idleTimeoutMs: options.timeoutMs ?? 30_000,
      awaitHeartbeat: options.awaitHeartbeat ?? true,
      clock,
    });
  } catch {
    // The failing stage is already recorded in the report.
  }
  return run.report();
}
