/**
 * How a peering stands from what both Consul sides report, before any network check: missing, a
 * state other than ACTIVE, ACTIVE without messages for too long, or imports behind the exports.
 * Verification waits while this says anything but healthy; the periodic check reports it. ACTIVE
 * and FAILING are computed on the leader from its stream tracker, and ACTIVE alone is no proof:
 * hashicorp/consul#22868 shows ACTIVE peerings whose stream had gone quiet and whose imports went
 * stale, so the age of `StreamStatus.LastReceive` decides (specs/consul-peering.md, states).
 */
import type { ConsulPeering } from '../consul/consul-client.ts';

/** What the condition is judged against (a verify step's params carry these). */
export interface ConditionParams {
  readonly acceptor: { readonly peerName: string; readonly partition: string };
  readonly dialer: { readonly peerName: string; readonly partition: string };
  readonly dialerImports: readonly string[];
  readonly acceptorImports: readonly string[];
  /** A side counts as receiving when its last message from the peer is younger than this. */
  readonly heartbeatMaxAgeMs: number;
}

/** A peering's condition: healthy, or what is wrong with which layer, and what to do. */
export type PeeringCondition =
  | { readonly state: 'healthy' }
  | {
      readonly state: 'missing' | 'failing' | 'stale';
      /** `stream: ...` or `exports: ...`, naming the side. */
      readonly detail: string;
      readonly fix: string;
    };

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function sideCondition(
  side: 'acceptor' | 'dialer',
  peering: ConsulPeering | undefined,
  now: number,
  maxAgeMs: number,
): PeeringCondition {
  if (peering === undefined || peering.State === 'DELETING')
    return {
      state: 'missing',
      detail: `stream: the ${side} has no such peering in Consul${peering ? ' (it is being deleted)' : ''}`,
      fix: 'run a sync (or let self-heal run): meshpeer re-creates the peering with a new token',
    };
  if (peering.State !== 'ACTIVE')
    return {
      state: 'failing',
      detail: `stream: the ${side} side is ${peering.State}`,
      fix:
        peering.State === 'TERMINATED'
          ? 'the other side deleted the peering: a sync rotates the token and establishes it again'
          : "check the mesh gateways and the servers' logs on both sides; a sync re-establishes with a new token if the stream stays down",
    };
  const last = peering.StreamStatus?.LastReceive;
  const age = last ? now - Date.parse(last) : Number.POSITIVE_INFINITY;
  if (age > maxAgeMs)
    return {
      state: 'stale',
      detail: `stream: the ${side} ${Number.isFinite(age) ? `last heard from its peer ${seconds(age)} ago` : 'has received nothing from its peer yet'} (bound ${seconds(maxAgeMs)})`,
      fix: "the stream is ACTIVE but quiet: check both sides' mesh gateways; if it stays quiet, a leader election on the dialer's servers restarts the stream (hashicorp/consul#22868)",
    };
  return { state: 'healthy' };
}

function importCondition(
  side: 'acceptor' | 'dialer',
  peering: ConsulPeering | undefined,
  want: readonly string[],
): PeeringCondition {
  const have = new Set(peering?.StreamStatus?.ImportedServices ?? []);
  const missing = want.filter((s) => !have.has(s));
  if (missing.length === 0) return { state: 'healthy' };
  return {
    state: 'stale',
    detail: `exports: the ${side} does not import ${missing.join(', ')} yet`,
    fix: 'check that the services are registered in the exporting partition and that its ExportedServices is synced',
  };
}

/** The first thing wrong with a peering, acceptor side first, or healthy. */
export function peeringCondition(
  acceptor: ConsulPeering | undefined,
  dialer: ConsulPeering | undefined,
  params: ConditionParams,
  now: number,
): PeeringCondition {
  const checks = [
    () => sideCondition('acceptor', acceptor, now, params.heartbeatMaxAgeMs),
    () => sideCondition('dialer', dialer, now, params.heartbeatMaxAgeMs),
    () => importCondition('dialer', dialer, params.dialerImports),
    () => importCondition('acceptor', acceptor, params.acceptorImports),
  ];
  for (const check of checks) {
    const condition = check();
    if (condition.state !== 'healthy') return condition;
  }
  return { state: 'healthy' };
}

/** Both sides of a peering as Consul reports them. */
export async function readPeeringSides(
  consul: (install: string) => Promise<{
    readPeering(name: string, partition?: string): Promise<ConsulPeering | undefined>;
  }>,
  p: ConditionParams & {
    readonly acceptor: { readonly install: string };
    readonly dialer: { readonly install: string };
  },
): Promise<{ acceptor: ConsulPeering | undefined; dialer: ConsulPeering | undefined }> {
  const [a, d] = await Promise.all([consul(p.acceptor.install), consul(p.dialer.install)]);
  const [acceptor, dialer] = await Promise.all([
    a.readPeering(p.dialer.peerName, p.acceptor.partition),
    d.readPeering(p.acceptor.peerName, p.dialer.partition),
  ]);
  return { acceptor, dialer };
}
