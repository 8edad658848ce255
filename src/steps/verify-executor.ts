/**
 * Proves one peering works without changing anything: both Consul sides ACTIVE and receiving from
 * their peer, the imports match the exports, and a handshake through the acceptor's mesh gateway
 * (the dialer's PeerServerAddresses, SNI PeerServerName, certificate checked against PeerCAPems)
 * that calls ExchangeSecret with a random PeerID and is answered PermissionDenied. Real Consul sends
 * its first heartbeat 15 s after a stream opens, so heartbeats are never waited for. The deep probe
 * (a temporary probe peering on the acceptor, needing peering:write) runs only when opted in.
 * Failures name the layer: gateway, tls, secret, stream or exports.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConsulClient, ConsulPeering } from '../consul/consul-client.ts';
import { checkPeerHandshake, decodeToken, type PeeringErrorCode, probe } from '../peering/index.ts';
import type { StepOf } from '../plan/index.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, waiting } from './step-outcome.ts';

/** The layer a verification failure belongs to. */
export type VerifyLayer = 'gateway' | 'tls' | 'secret' | 'stream' | 'exports';

const layerOf: Partial<Record<PeeringErrorCode, VerifyLayer>> = {
  connect: 'gateway',
  timeout: 'gateway',
  'tls-ca': 'tls',
  'tls-sni': 'tls',
  'secret-used': 'secret',
  'invalid-token': 'secret',
  'stream-refused': 'stream',
  follower: 'stream',
  'heartbeat-timeout': 'stream',
  terminated: 'stream',
  closed: 'stream',
};

function sideProblem(
  side: string,
  peering: ConsulPeering | undefined,
  now: number,
  maxAgeMs: number,
): string | undefined {
  if (peering === undefined) return `stream: the ${side} has no such peering in Consul`;
  if (peering.State !== 'ACTIVE') return `stream: the ${side} side is ${peering.State}`;
  // LastReceive covers data and heartbeats: fresh right after the stream opens, then every heartbeat.
  const last = peering.StreamStatus?.LastReceive;
  const age = last ? now - Date.parse(last) : Number.POSITIVE_INFINITY;
  if (age > maxAgeMs)
    return `stream: the ${side} ${Number.isFinite(age) ? `last heard from its peer ${Math.round(age / 1000)} s ago` : 'has received nothing from its peer yet'} (bound ${Math.round(maxAgeMs / 1000)} s)`;
  return undefined;
}

/** The handshake through the acceptor's gateway, with what the dialer's Consul knows of its peer. */
async function runHandshake(
  dial: ConsulPeering | undefined,
  step: StepOf<'verify'>,
): Promise<{ problem?: string; data: Record<string, unknown> }> {
  const addresses = dial?.PeerServerAddresses ?? [];
  const serverName = dial?.PeerServerName ?? '';
  if (addresses.length === 0 || serverName === '')
    return { problem: "stream: the dialer does not know its peer's server addresses yet", data: {} };
  const report = await checkPeerHandshake(
    { addresses, serverName, caPems: dial?.PeerCAPems ?? [] },
    { timeoutMs: Math.min(step.params.timeoutMs, 10_000) },
  );
  const stages = Object.fromEntries(report.stages.map((s) => [s.stage, Math.round(s.latencyMs * 10) / 10]));
  if (report.ok) return { data: { handshakeMs: Math.round(report.totalMs), stages } };
  const layer = (report.failure && layerOf[report.failure.code]) ?? 'gateway';
  return {
    problem: `${layer}: handshake through ${report.address ?? addresses.join(', ')} failed at ${report.failure?.stage ?? 'connect'}: ${report.failure?.message ?? 'unknown error'}`,
    data: { stages },
  };
}

function missingImports(
  side: string,
  peering: ConsulPeering | undefined,
  want: readonly string[],
): string | undefined {
  const have = new Set(peering?.StreamStatus?.ImportedServices ?? []);
  const missing = want.filter((s) => !have.has(s));
  return missing.length === 0 ? undefined : `exports: the ${side} does not import ${missing.join(', ')} yet`;
}

const PROBE_NAME = /^meshpeer-probe-([0-9a-f]{8})-(?:([0-9a-z]{1,9})-)?[0-9a-f]{6,8}$/;
/** The probe gives up after 20 s; a probe peering older than this is a leftover. */
const STALE_PROBE_MS = 30_000;

const stepHash = (step: StepOf<'verify'>) => createHash('sha256').update(step.id).digest('hex').slice(0, 8);

/** A probe peering's name: the step's hash, the creation time (seconds, base 36) and randomness. */
function probeName(step: StepOf<'verify'>, now: number): string {
  return `meshpeer-probe-${stepHash(step)}-${Math.floor(now / 1000).toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Whether a peering is a probe left behind (a worker killed mid-probe, or a delete that failed):
 * any earlier probe of the same step, since one verification of a peering runs at a time; any
 * probe whose stream already ended (FAILING or TERMINATED: its probe is over); and any probe older
 * than the probe's own time limit.
 */
export function isStaleProbe(
  peering: { Name: string; State: string },
  now: number,
  ownHash?: string,
): boolean {
  const match = PROBE_NAME.exec(peering.Name);
  if (match === null || peering.State === 'DELETING') return false;
  if (match[1] === ownHash || peering.State === 'FAILING' || peering.State === 'TERMINATED') return true;
  // Names without a time come from versions before the sweep, so they are older than this worker.
  return match[2] === undefined || now - Number.parseInt(match[2], 36) * 1000 > STALE_PROBE_MS;
}

/** Deletes a peering, retrying briefly: the API may fail for a moment, and a leftover waits for the next sweep. */
async function deletePeering(acceptor: ConsulClient, name: string, partition: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const ok = await acceptor.deletePeering(name, partition).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
}

/** Deletes leftover probe peerings on the acceptor; best effort, the next verification tries again. */
async function sweepProbes(acceptor: ConsulClient, step: StepOf<'verify'>, now: number): Promise<void> {
  const partition = step.params.acceptor.partition;
  const peerings = await acceptor.listPeerings(partition).catch(() => []);
  const hash = stepHash(step);
  for (const p of peerings.filter((x) => isStaleProbe(x, now, hash)))
    await deletePeering(acceptor, p.Name, partition);
}

async function runProbe(
  acceptor: ConsulClient,
  step: StepOf<'verify'>,
  now: number,
): Promise<{ problem?: string; data: Record<string, unknown> }> {
  const p = step.params;
  await sweepProbes(acceptor, step, now);
  // Unique per attempt: Consul refuses a new token for a name whose previous peering is still DELETING.
  const name = probeName(step, now);
  const token = await acceptor.generateToken(name, p.acceptor.partition);
  try {
    const report = await probe(decodeToken(token), {
      timeoutMs: Math.min(p.timeoutMs, 20_000),
      awaitHeartbeat: false,
    });
    const stages = Object.fromEntries(report.stages.map((s) => [s.stage, Math.round(s.latencyMs * 10) / 10]));
    if (report.ok) return { data: { probeMs: Math.round(report.totalMs), stages } };
    const layer = (report.failure && layerOf[report.failure.code]) ?? 'stream';
    return {
      problem: `${layer}: probe failed at ${report.failure?.stage ?? 'unknown stage'}: ${report.failure?.message ?? 'unknown error'}`,
      data: { stages },
    };
  } finally {
    await deletePeering(acceptor, name, p.acceptor.partition);
  }
}

/** Verifies a peering; waits (to the step's deadline) while any layer is not there yet. */
export async function runVerify(step: StepOf<'verify'>, ctx: StepContext): Promise<StepOutcome> {
  const p = step.params;
  const [a, d] = await Promise.all([ctx.consul(p.acceptor.install), ctx.consul(p.dialer.install)]);
  const [acc, dial] = await Promise.all([
    a.readPeering(p.dialer.peerName, p.acceptor.partition),
    d.readPeering(p.acceptor.peerName, p.dialer.partition),
  ]);
  const now = ctx.now();
  const problem =
    sideProblem('acceptor', acc, now, p.heartbeatMaxAgeMs) ??
    sideProblem('dialer', dial, now, p.heartbeatMaxAgeMs) ??
    missingImports('dialer', dial, p.dialerImports) ??
    missingImports('acceptor', acc, p.acceptorImports);
  if (problem !== undefined) return waiting(problem, 500);
  const handshake = p.handshake ? await runHandshake(dial, step) : { data: {} };
  if (handshake.problem !== undefined) return waiting(handshake.problem, 1000);
  const probed = p.probe ? await runProbe(a, step, now) : { data: {} };
  if (probed.problem !== undefined) return waiting(probed.problem, 1000);
  const imports = {
    dialer: dial?.StreamStatus?.ImportedServices ?? [],
    acceptor: acc?.StreamStatus?.ImportedServices ?? [],
  };
  const checks = [
    'both sides ACTIVE and receiving',
    'imports match',
    ...(p.handshake ? ["handshake through the acceptor's gateway answered"] : []),
    ...(p.probe ? ['probe peering streamed'] : []),
  ];
  return done(checks.join(', '), { ...handshake.data, ...probed.data, imports });
}
