/**
 * A side-effect-free check of a peering's control path from the dialer's side: TLS to the
 * acceptor's addresses (its mesh gateway) with the peering's server name and the peer's CA, then
 * ExchangeSecret with a random PeerID and secret. Consul answers an unknown PeerID with
 * PermissionDenied "invalid peering establishment secret" after forwarding the call to its leader
 * (agent/grpc-external/services/peerstream/stream_resources.go), so any server answers, and that
 * answer proves SNI routing, the server's identity under the peer's CA and the peering service
 * without creating or consuming anything.
 */
import { randomUUID } from 'node:crypto';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type Clock, systemClock } from './clock.ts';
import { createPeerClient } from './peer-client.ts';
import { classifyCallError, PeeringError, type PeeringErrorCode } from './peering-error.ts';
import { type ProbeReport, type ProbeStageResult, probeStage } from './probe-run.ts';
import { checkTls, type TlsTarget } from './tls-check.ts';

/** Where the acceptor is, as the dialer's Consul stores it (PeerServerAddresses, -Name, PeerCAPems). */
export interface HandshakeTarget {
  readonly addresses: readonly string[];
  readonly serverName: string;
  readonly caPems: readonly string[];
}

/** Time limits of a handshake. */
export interface HandshakeOptions {
  /** Budget for every address together (default 10 s). */
  readonly timeoutMs?: number;
  /** Budget of the TCP and TLS handshake at one address (default 5 s). */
  readonly connectTimeoutMs?: number;
  readonly clock?: Clock;
}

/** One address tried: its stages ('connect' is TCP plus TLS, then 'exchange-secret'). */
export interface HandshakeAttempt {
  readonly address: string;
  readonly ok: boolean;
  readonly stages: readonly ProbeStageResult[];
  readonly failure?: NonNullable<ProbeReport['failure']>;
}

/** The handshake's verdict, with the attempt that answered (or the most telling failure). */
export interface HandshakeReport {
  readonly ok: boolean;
  readonly address: string | undefined;
  readonly stages: readonly ProbeStageResult[];
  readonly failure?: NonNullable<ProbeReport['failure']>;
  /** Every address tried, in order. */
  readonly attempts: readonly HandshakeAttempt[];
  readonly totalMs: number;
}

const EXPECTED = 'invalid peering establishment secret';

/** Maps ExchangeSecret's answer to an unknown peer to undefined (Consul's answer) or a failure. */
function judgeAnswer(error: ServiceError | null, address: string): PeeringError | undefined {
  const notConsul = (what: string): PeeringError =>
    new PeeringError(
      'not-consul',
      `${address}: ${what}: not a Consul peering endpoint (Consul refuses an unknown peer with PermissionDenied "${EXPECTED}")`,
      error?.code,
    );
  if (error === null) return notConsul('ExchangeSecret accepted a random peer ID and secret');
  if (error.code === status.PERMISSION_DENIED) {
    return error.details.includes(EXPECTED)
      ? undefined
      : notConsul(`ExchangeSecret was refused with PermissionDenied "${error.details}"`);
  }
  if (error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED) {
    return classifyCallError(error, address);
  }
  if (error.code === status.UNIMPLEMENTED) {
    return notConsul(`the server does not implement Consul's PeerStreamService (${error.details})`);
  }
  return notConsul(`ExchangeSecret answered ${status[error.code]}: ${error.details}`);
}

/** Calls ExchangeSecret for a peer that cannot exist; resolves only on Consul's refusal. */
function exchangeWithUnknownPeer(address: string, target: TlsTarget, deadlineMs: number): Promise<void> {
  const client = createPeerClient(address, { ...target, addresses: [address], peerID: '', manual: false });
  // Random values: nothing real is ever sent, so nothing here is a secret to guard.
  const request = { PeerID: randomUUID(), EstablishmentSecret: randomUUID() };
  return new Promise<void>((resolve, reject) => {
    const options = { deadline: new Date(Date.now() + deadlineMs) };
    client.exchangeSecret(request, new Metadata(), options, (error) => {
      const failure = judgeAnswer(error, address);
      if (failure === undefined) resolve();
      else reject(failure);
    });
  }).finally(() => client.close());
}

async function attempt(
  address: string,
  target: HandshakeTarget,
  budgetMs: number,
  connectTimeoutMs: number,
  clock: Clock,
): Promise<HandshakeAttempt> {
  const run = probeStage(clock, budgetMs);
  run.setAddress(address);
  const started = clock.now().getTime();
  try {
    await run.stage('connect', () => checkTls(address, target, Math.min(connectTimeoutMs, budgetMs)));
    const left = Math.max(1, budgetMs - (clock.now().getTime() - started));
    await run.stage('exchange-secret', () => exchangeWithUnknownPeer(address, target, left));
  } catch {
    // The failing stage is recorded in the run's report.
  }
  const report = run.report();
  const base = { address, ok: report.ok, stages: report.stages };
  return report.failure === undefined ? base : { ...base, failure: report.failure };
}

const rankOf: Partial<Record<PeeringErrorCode, number>> = {
  connect: 0,
  timeout: 1,
  'tls-sni': 2,
  'tls-ca': 2,
};

/** How far an attempt got: an answer over a TLS failure over a timeout over a refused connection. */
function depth(a: HandshakeAttempt): number {
  if (a.failure === undefined) return 10;
  if (a.failure.stage === 'exchange-secret') return 5;
  return rankOf[a.failure.code] ?? 0;
}

function mostTelling(attempts: readonly HandshakeAttempt[]): HandshakeAttempt | undefined {
  return attempts.reduce<HandshakeAttempt | undefined>(
    (best, a) => (best === undefined || depth(a) > depth(best) ? a : best),
    undefined,
  );
}

function refusal(code: PeeringErrorCode, message: string): HandshakeReport {
  return {
    ok: false,
    address: undefined,
    stages: [],
    failure: { stage: 'connect', code, message },
    attempts: [],
    totalMs: 0,
  };
}

/**
 * Runs the handshake against each address in order, like the dialer, until one answers as
 * Consul does; never throws for network or protocol failures.
 */
export async function checkPeerHandshake(
  target: HandshakeTarget,
  options: HandshakeOptions = {},
): Promise<HandshakeReport> {
  if (target.addresses.length === 0)
    return refusal('connect', 'the peering has no server addresses to dial (PeerServerAddresses is empty)');
  if (target.caPems.length === 0)
    return refusal('tls-ca', "the peering has no CA for the peer's servers (PeerCAPems is empty)");
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const started = clock.now().getTime();
  const attempts: HandshakeAttempt[] = [];
  for (const address of target.addresses) {
    const left = timeoutMs - (clock.now().getTime() - started);
    if (left <= 0) break;
    const result = await attempt(address, target, left, connectTimeoutMs, clock);
    attempts.push(result);
    if (result.ok) break;
  }
  const totalMs = clock.now().getTime() - started;
  const chosen = attempts.find((a) => a.ok) ?? mostTelling(attempts);
  if (chosen === undefined)
    return { ...refusal('timeout', `no address tried within ${timeoutMs} ms`), totalMs };
  const base = { ok: chosen.ok, address: chosen.address, stages: chosen.stages, attempts, totalMs };
  if (chosen.failure === undefined) return base;
  const others = attempts.filter((a) => a !== chosen).map((a) => `${a.address}: ${a.failure?.code ?? 'ok'}`);
  const message =
    others.length === 0
      ? chosen.failure.message
      : `${chosen.failure.message} (also tried ${others.join(', ')})`;
  return { ...base, failure: { ...chosen.failure, message } };
}
