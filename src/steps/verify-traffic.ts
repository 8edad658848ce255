/**
 * Proves the traffic that crosses one peering, without writing anything: every service a side
 * imports has a passing instance as that side sees it (`GET /v1/health/service/<svc>?peer=<the
 * exporting side's peer name>`, agent/health_endpoint.go), each declared intention is the one
 * Consul holds for exactly that peer's source and destination (`GET /v1/connect/intentions/exact`
 * with `source=peer:<peer>/<svc>`, agent/intentions_endpoint.go; the check endpoint refuses a
 * peer's source, and for an exact source and destination the exact intention is the one that
 * decides, its precedence being the highest, agent/structs/intention.go), and each failover target
 * serves the service through the peering (its imported instances, as the resolver's failover to a
 * peer uses them). The reconciler's token needs service:read and node:read (Consul filters
 * instances it may not read, structs.CheckServiceNode CanRead) and intentions:read on the
 * destinations, which service:read grants.
 */

import { isPassing } from '../consul/catalog-types.ts';
import type { ConsulClient } from '../consul/consul-client.ts';
import { ConsulError } from '../consul/consul-error.ts';
import type { ServiceRef, TrafficChecks } from '../plan/step.ts';

/** The Consul calls traffic checks make. */
export type TrafficConsul = Pick<ConsulClient, 'healthService' | 'intentionExact'>;

/** A failed check: what is wrong, and what to do. */
export interface TrafficFailure {
  readonly detail: string;
  readonly fix: string;
}

/** What the traffic checks of one peering found. */
export interface TrafficResult {
  /** The first check that did not hold, in the order imports, intentions, failover. */
  readonly failure?: TrafficFailure;
  /** What was proved, for the verify step's detail (`imported services healthy (2)`). */
  readonly proved: readonly string[];
  readonly data: Record<string, unknown>;
}

/** What the checks need of a verify step's params. */
export interface TrafficParams {
  readonly acceptor: { readonly install: string; readonly peerName: string };
  readonly dialer: { readonly install: string; readonly peerName: string };
  readonly dialerImports: readonly string[];
  readonly acceptorImports: readonly string[];
  readonly traffic?: TrafficChecks;
}

type Intention = NonNullable<TrafficChecks['intentions']>[number];
type Failover = NonNullable<TrafficChecks['failover']>[number];

/** One imported service as seen from the importing install. */
interface Imported extends ServiceRef {
  readonly install: string;
  /** The exporting side, by the name the importing side knows it. */
  readonly peer: string;
}

const named = (r: ServiceRef) => (r.namespace === undefined ? r.service : `${r.namespace}/${r.service}`);
const ns = (r: ServiceRef) => (r.namespace === undefined ? {} : { namespace: r.namespace });

/** Runs checks eight at a time: a hub peering can carry hundreds of services. */
async function inBatches<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 8) out.push(...(await Promise.all(items.slice(i, i + 8).map(run))));
  return out;
}

/** The imports of both sides, each asked of the importing install. */
export function importsOf(p: TrafficParams): Imported[] {
  const refs = (names: readonly string[], listed: readonly ServiceRef[] | undefined) =>
    listed ?? names.map((service) => ({ service }));
  return [
    ...refs(p.dialerImports, p.traffic?.imports?.dialer).map((r) => ({
      ...r,
      install: p.dialer.install,
      peer: p.acceptor.peerName,
    })),
    ...refs(p.acceptorImports, p.traffic?.imports?.acceptor).map((r) => ({
      ...r,
      install: p.acceptor.install,
      peer: p.dialer.peerName,
    })),
  ];
}

/** Instances of a service imported from a peer, and how many pass every check. */
async function importedHealth(consul: TrafficConsul, r: ServiceRef, peer: string) {
  const entries = await consul.healthService(r.service, { peer, ...ns(r) });
  return { instances: entries.length, passing: entries.filter(isPassing).length };
}

function healthFailure(r: Imported, found: { instances: number; passing: number }): TrafficFailure {
  const what =
    found.instances === 0
      ? 'no instances'
      : `no passing instance (${found.instances} instance${found.instances === 1 ? '' : 's'}, 0 passing)`;
  return {
    detail: `health: ${named(r)} imported by ${r.install} from peer ${r.peer} has ${what}`,
    fix: `check that ${named(r)} has healthy instances where peer ${r.peer} exports it; meshpeer's token on ${r.install} needs service:read and node:read to see them (Consul leaves out what it may not read)`,
  };
}

const sourceLabel = (c: Intention) =>
  c.source === '*'
    ? `every service of peer ${c.peer}`
    : `peer ${c.peer}'s ${c.sourceNamespace === undefined ? '' : `${c.sourceNamespace}/`}${c.source}`;

/** Whether Consul holds the declared intention; a failure names the intention Consul holds instead. */
async function intentionFailure(consul: TrafficConsul, c: Intention): Promise<TrafficFailure | undefined> {
  const found = await consul.intentionExact({
    source: { peer: c.peer, name: c.source, ...(c.sourceNamespace && { namespace: c.sourceNamespace }) },
    destination: { name: c.service, ...ns(c) },
  });
  const fix = `run apply: meshpeer writes its sources of ServiceIntentions ${c.service} in ${c.install}; if it is there, check that it is Synced`;
  if (found === undefined)
    return {
      detail: `intentions: ${c.install} holds no intention from ${sourceLabel(c)} to ${named(c)} (peerings.yaml says ${c.action})`,
      fix,
    };
  const action = (found.Permissions ?? []).length > 0 ? 'L7 permissions' : found.Action || 'no action';
  if (action === c.action) return undefined;
  return {
    detail: `intentions: the intention from ${sourceLabel(c)} to ${named(c)} in ${c.install} says ${action}, peerings.yaml says ${c.action}`,
    fix,
  };
}

/** A 403 is an answer here (the token reads too little); other errors end the check as thrown. */
async function orRefused<T>(
  run: () => Promise<T>,
  install: string,
  needs: string,
): Promise<T | TrafficFailure> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ConsulError) || err.status !== 403) throw err;
    return {
      detail: `permissions: Consul on ${install} refused meshpeer's token (${err.message})`,
      fix: `give meshpeer's token on ${install} ${needs}`,
    };
  }
}

const isFailure = (v: unknown): v is TrafficFailure =>
  typeof v === 'object' && v !== null && 'detail' in v && 'fix' in v;

async function checkImports(p: TrafficParams, consul: (install: string) => Promise<TrafficConsul>) {
  return inBatches(importsOf(p), async (r) => {
    const found = await orRefused(
      async () => importedHealth(await consul(r.install), r, r.peer),
      r.install,
      'service:read and node:read',
    );
    if (isFailure(found)) return { check: r, failure: found };
    return { check: r, found, ...(found.passing === 0 && { failure: healthFailure(r, found) }) };
  });
}

async function checkFailover(c: Failover, consul: (install: string) => Promise<TrafficConsul>) {
  const found = await orRefused(
    async () => importedHealth(await consul(c.install), c, c.peer),
    c.install,
    'service:read and node:read',
  );
  if (isFailure(found)) return found;
  if (found.passing > 0) return undefined;
  return {
    detail: `failover: ${c.install} cannot fail ${named(c)} over to peer ${c.peer}: it imports ${found.instances === 0 ? 'no instance' : 'no passing instance'} of it from that peer`,
    fix: `check that peer ${c.peer} exports ${named(c)} to ${c.install} and that its instances there are healthy`,
  };
}

/** Runs every traffic check of a peering whose Consul sides are healthy. */
export async function checkTraffic(
  p: TrafficParams,
  consul: (install: string) => Promise<TrafficConsul>,
): Promise<TrafficResult> {
  const imports = await checkImports(p, consul);
  const intentions = await inBatches(p.traffic?.intentions ?? [], async (c) =>
    orRefused(
      async () => intentionFailure(await consul(c.install), c),
      c.install,
      `service:read on ${c.service}`,
    ),
  );
  const failover = await inBatches(p.traffic?.failover ?? [], (c) => checkFailover(c, consul));
  const data = {
    traffic: {
      imports: imports.map((i) => ({
        install: i.check.install,
        service: named(i.check),
        peer: i.check.peer,
        ...('found' in i && i.found),
      })),
      ...(intentions.length > 0 && {
        intentionsAsDeclared: intentions.filter((f) => f === undefined).length,
      }),
      ...(failover.length > 0 && { failoverResolvable: failover.filter((f) => f === undefined).length }),
    },
  };
  const failure = [...imports.map((i) => i.failure), ...intentions, ...failover].find((f) => f !== undefined);
  const proved = [
    ...(imports.length > 0 ? [`imported services healthy (${imports.length})`] : []),
    ...(intentions.length > 0 ? [`intentions as declared (${intentions.length})`] : []),
    ...(failover.length > 0 ? [`failover targets resolvable (${failover.length})`] : []),
  ];
  return { ...(failure !== undefined && { failure }), proved, data };
}
