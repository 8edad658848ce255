/**
 * Explicit dependencies of the traffic steps on the steps that make them meaningful, beyond the
 * phase order of STEP_KINDS and the serial lane (which already order steps of one install): a
 * SamenessGroup before an export or a resolver that names it; the peering (acceptor, rotation, token
 * copy, dialer, in whichever install they run) and the peer's export of the service before a
 * resolver that fails over to that peer; the install's exports before the intentions of a
 * destination they export. A blocked dependency then
 * blocks the step that relies on it too.
 */
import type { PeeringSpec, Topology } from '../topology/index.ts';
import type { Step } from './step.ts';

const peeringKinds = new Set<Step['kind']>(['acceptor', 'rotate', 'token-transfer', 'dialer']);

/** The peering in which `install` knows the other side as `peer`. */
function peeringOf(t: Topology, install: string, peer: string): PeeringSpec | undefined {
  return t.peerings.find(
    (p) =>
      (p.acceptor.install === install && p.dialer.peerName === peer) ||
      (p.dialer.install === install && p.acceptor.peerName === peer),
  );
}

const record = (v: unknown): Readonly<Record<string, unknown>> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): Array<Readonly<Record<string, unknown>>> =>
  Array.isArray(v) ? v.map(record) : [];
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Peers and the sameness group a resolver step's `failover['*']` names. */
function failoverRefs(t: Topology, step: Step): { peers: string[]; group?: string } {
  const object = 'object' in step.params ? step.params.object : undefined;
  const any = record(record(object?.spec.failover)['*']);
  const group = str(any.samenessGroup);
  const targets = list(any.targets).flatMap((x) => str(x.peer) ?? []);
  const members = t.samenessGroups
    .filter((g) => g.install === step.lane && g.name === group)
    .flatMap((g) => g.members.flatMap((m) => ('peer' in m ? [m.peer] : [])));
  return { peers: [...targets, ...members], ...(group !== undefined && { group }) };
}

/** Sameness groups an export step's consumers name. */
function exportGroups(step: Step): string[] {
  const object = 'object' in step.params ? step.params.object : undefined;
  return list(object?.spec.services).flatMap((s) =>
    list(s.consumers).flatMap((c) => str(c.samenessGroup) ?? []),
  );
}

/** Whether an export step exports `service` (in `namespace`, unless any will do) from its install. */
function exportsService(
  step: Step,
  service: string,
  namespace: string | undefined,
  anyNamespace = false,
): boolean {
  const object = 'object' in step.params ? step.params.object : undefined;
  return list(object?.spec.services).some(
    (s) =>
      s.name === service && (anyNamespace || (str(s.namespace) ?? 'default') === (namespace ?? 'default')),
  );
}

function linksOf(t: Topology, step: Step, steps: readonly Step[]): string[] {
  const inLane = (kind: Step['kind'], ok: (s: Step) => boolean) =>
    steps.filter((s) => s.kind === kind && s.lane === step.lane && ok(s)).map((s) => s.id);
  const groupStep = (name: string) => inLane('sameness-group', (s) => s.target.name === name);
  if (step.kind === 'export') return exportGroups(step).flatMap(groupStep);
  if (step.kind === 'intentions') {
    const destination = record(step.params.object.spec.destination);
    const name = str(destination.name) ?? '';
    return inLane('export', (s) => exportsService(s, name, str(destination.namespace)));
  }
  if (step.kind !== 'resolver') return [];
  const refs = failoverRefs(t, step);
  const peerings = refs.peers.flatMap((peer) => peeringOf(t, step.lane, peer) ?? []);
  const ids = new Set(peerings.map((p) => p.id));
  const chain = steps.filter(
    (s) => s.peering !== undefined && ids.has(s.peering) && peeringKinds.has(s.kind),
  );
  // Failing over to a peer means something only once that peer exports the service here.
  const remotes = new Set(
    peerings.map((p) => (p.acceptor.install === step.lane ? p.dialer : p.acceptor).install),
  );
  const exports = steps.filter(
    (s) => s.kind === 'export' && remotes.has(s.lane) && exportsService(s, step.target.name, undefined, true),
  );
  return [
    ...(refs.group === undefined ? [] : groupStep(refs.group)),
    ...chain.map((s) => s.id),
    ...exports.map((s) => s.id),
  ];
}

/** The steps with the traffic dependencies added to what they already depend on. */
export function linkTraffic(t: Topology, steps: readonly Step[]): Step[] {
  return steps.map((step) => {
    const links = linksOf(t, step, steps);
    if (links.length === 0) return step;
    return { ...step, dependsOn: [...new Set([...step.dependsOn, ...links])] };
  });
}
