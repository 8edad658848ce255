/**
 * One side-effect-free look at a peering, shared by verification (which waits until it passes) and
 * the periodic health check (which reports it): both Consul sides, then a handshake through the
 * acceptor's mesh gateway with what the dialer's Consul knows of its peer (PeerServerAddresses,
 * SNI PeerServerName, certificate checked against PeerCAPems), calling ExchangeSecret with a
 * random PeerID and expecting PermissionDenied; then the traffic over it (src/steps/verify-traffic.ts:
 * imported services healthy, intentions and failover targets as declared). Nothing is written anywhere.
 */
import type { ConsulPeering } from '../consul/consul-client.ts';
import { checkPeerHandshake, type PeeringErrorCode } from '../peering/index.ts';
import type { TrafficChecks } from '../plan/step.ts';
import {
  type ConditionParams,
  type PeeringCondition,
  peeringCondition,
  readPeeringSides,
} from './peering-condition.ts';
import { checkTraffic, type TrafficConsul } from './verify-traffic.ts';

/** The layer a verification failure belongs to. */
export type VerifyLayer = 'gateway' | 'tls' | 'secret' | 'stream' | 'exports';

/** Peering protocol failures by the layer that failed. */
export const layerOf: Partial<Record<PeeringErrorCode, VerifyLayer>> = {
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

/** What a check needs of a peering: the verify step's params. */
export interface CheckParams extends ConditionParams {
  readonly acceptor: ConditionParams['acceptor'] & { readonly install: string };
  readonly dialer: ConditionParams['dialer'] & { readonly install: string };
  readonly handshake: boolean;
  readonly timeoutMs: number;
  readonly traffic?: TrafficChecks;
}

/** The Consul calls a check makes of each side. */
export type CheckConsul = (
  install: string,
) => Promise<Awaited<ReturnType<Parameters<typeof readPeeringSides>[0]>> & TrafficConsul>;

/** The outcome of one check, with the sides as read and timings. */
export interface PeeringCheck {
  readonly condition: PeeringCondition;
  /** Which part decided a condition other than healthy. */
  readonly layer?: 'consul' | 'handshake' | 'traffic';
  /** The traffic checks that held, for the verify step's detail. */
  readonly proved?: readonly string[];
  readonly data: Record<string, unknown>;
}

const handshakeFix: Record<VerifyLayer, string> = {
  gateway:
    "the acceptor's mesh gateway does not answer at the addresses the dialer holds: check its Service address and that the gateway pods are ready",
  tls: "the acceptor's gateway or server presents a certificate the dialer's CA does not accept: check the servers' TLS and the gateway's SNI routing",
  secret: 'the acceptor refused the handshake: rotate the peering token with a sync',
  stream: "the acceptor's servers refused the stream: check that a leader is elected and peering is enabled",
  exports: 'check the exporting ExportedServices',
};

async function handshake(
  dial: ConsulPeering | undefined,
  timeoutMs: number,
): Promise<{ condition: PeeringCondition; data: Record<string, unknown> }> {
  const addresses = dial?.PeerServerAddresses ?? [];
  const serverName = dial?.PeerServerName ?? '';
  if (addresses.length === 0 || serverName === '')
    return {
      condition: {
        state: 'failing',
        detail: "stream: the dialer does not know its peer's server addresses yet",
        fix: 'wait for the dialer to establish, or run a sync',
      },
      data: {},
    };
  const report = await checkPeerHandshake(
    { addresses, serverName, caPems: dial?.PeerCAPems ?? [] },
    { timeoutMs: Math.min(timeoutMs, 10_000) },
  );
  const stages = Object.fromEntries(report.stages.map((s) => [s.stage, Math.round(s.latencyMs * 10) / 10]));
  if (report.ok)
    return { condition: { state: 'healthy' }, data: { handshakeMs: Math.round(report.totalMs), stages } };
  const layer = (report.failure && layerOf[report.failure.code]) ?? 'gateway';
  return {
    condition: {
      state: 'failing',
      detail: `${layer}: handshake through ${report.address ?? addresses.join(', ')} failed at ${report.failure?.stage ?? 'connect'}: ${report.failure?.message ?? 'unknown error'}`,
      fix: handshakeFix[layer],
    },
    data: { stages },
  };
}

/** The traffic over a peering whose sides and handshake are healthy. */
async function traffic(params: CheckParams, consul: CheckConsul, data: Record<string, unknown>) {
  const result = await checkTraffic(params, consul);
  const merged = { ...data, ...result.data };
  if (result.failure === undefined)
    return { condition: { state: 'healthy' as const }, proved: result.proved, data: merged };
  return {
    condition: { state: 'failing' as const, ...result.failure },
    layer: 'traffic' as const,
    data: merged,
  };
}

/** Looks at a peering once: both sides, then (when enabled) the handshake, then its traffic. */
export async function checkPeering(
  params: CheckParams,
  consul: CheckConsul,
  now: number,
): Promise<PeeringCheck> {
  const sides = await readPeeringSides(consul, params);
  const imports = {
    dialer: sides.dialer?.StreamStatus?.ImportedServices ?? [],
    acceptor: sides.acceptor?.StreamStatus?.ImportedServices ?? [],
  };
  const condition = peeringCondition(sides.acceptor, sides.dialer, params, now);
  if (condition.state !== 'healthy') return { condition, layer: 'consul', data: { imports } };
  if (!params.handshake) return traffic(params, consul, { imports });
  const shake = await handshake(sides.dialer, params.timeoutMs);
  if (shake.condition.state !== 'healthy')
    return { condition: shake.condition, layer: 'handshake', data: { ...shake.data, imports } };
  return traffic(params, consul, { ...shake.data, imports });
}
