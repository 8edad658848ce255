/**
 * Proves one peering works without changing anything: both Consul sides ACTIVE and receiving from
 * their peer, the imports match the exports, and a handshake through the acceptor's mesh gateway
 * (the dialer's PeerServerAddresses, SNI PeerServerName, certificate checked against PeerCAPems)
 * that calls ExchangeSecret with a random PeerID and is answered PermissionDenied. Real Consul sends
 * its first heartbeat 15 s after a stream opens, so heartbeats are never waited for. The deep probe
 * (a temporary probe peering on the acceptor, needing peering:write) runs only when opted in.
 * Then the traffic over the peering (src/steps/verify-traffic.ts): the imported services healthy as
 * the importing side sees them, the declared intentions and failover targets as Consul holds them.
 * Failures name the layer: gateway, tls, secret, stream, exports, health, intentions or failover.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConsulClient } from '../consul/consul-client.ts';
import { decodeToken, probe } from '../peering/index.ts';
import type { StepOf } from '../plan/index.ts';
import { checkPeering, layerOf } from './peering-check.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, waiting } from './step-outcome.ts';

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
  const check = await checkPeering(p, ctx.consul, ctx.now());
  if (check.condition.state !== 'healthy')
    return waiting(check.condition.detail, check.layer === 'consul' ? 500 : 1000);
  const probed = p.probe
    ? await runProbe(await ctx.consul(p.acceptor.install), step, ctx.now())
    : { data: {} };
  if (probed.problem !== undefined) return waiting(probed.problem, 1000);
  const checks = [
    'both sides ACTIVE and receiving',
    'imports match',
    ...(p.handshake ? ["handshake through the acceptor's gateway answered"] : []),
    ...(p.probe ? ['probe peering streamed'] : []),
    ...(check.proved ?? []),
  ];
  return done(checks.join(', '), { ...check.data, ...probed.data });
}
