/**
 * The end checks of a chaos run, read in-process from the sandbox: every object meshpeer should
 * have written exists once, nothing of ours lingers without a desired peering, no dialer is stuck
 * on a reused token, and both Consul sides of every desired peering are ACTIVE.
 */

import type { Sandbox } from '../../sandbox/src/sandbox.ts';
import {
  acceptorResource,
  CONSUL_API_VERSION,
  dialerResource,
  exportedServicesName,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PEERING_TOKEN_LABEL,
} from '../../src/resources/consul-resources.ts';
import type { Topology } from '../../src/topology/index.ts';
import { sandboxConsulClient } from './sandbox-consul-client.ts';

/** What the object and Consul checks found; empty lists mean clean. */
export interface StateReport {
  /** Objects looked at (Kubernetes objects and Consul peerings). */
  readonly checked: number;
  readonly missing: string[];
  readonly orphans: string[];
  readonly duplicates: string[];
  readonly tokenReuse: string[];
  readonly notActive: string[];
}

const key = (cluster: string, kind: string, namespace: string, name: string) =>
  `${cluster} ${kind} ${namespace}/${name}`;

/** Every object of ours (and every acceptor token Secret) the final topology implies, by key. */
function expectedObjects(t: Topology): Set<string> {
  const want = new Set<string>();
  for (const c of t.clusters) {
    want.add(key(c.name, 'Mesh', c.consul.namespace, 'mesh'));
    // ProxyDefaults is written only where peerings.yaml declares a mesh gateway mode.
    const declared = t.peerings.some(
      (p) =>
        (p.acceptor.cluster === c.name || p.dialer.cluster === c.name) && p.meshGatewayMode !== undefined,
    );
    if (declared) want.add(key(c.name, 'ProxyDefaults', c.consul.namespace, 'global'));
  }
  for (const p of t.peerings) {
    const a = acceptorResource(p).metadata;
    const d = dialerResource(p).metadata;
    want.add(key(p.acceptor.cluster, 'PeeringAcceptor', a.namespace, a.name));
    want.add(key(p.dialer.cluster, 'PeeringDialer', d.namespace, d.name));
    want.add(key(p.acceptor.cluster, 'Secret', p.tokenSecret.acceptorNamespace, p.tokenSecret.name));
    want.add(key(p.dialer.cluster, 'Secret', p.tokenSecret.dialerNamespace, p.tokenSecret.name));
  }
  for (const e of t.exports) {
    const c = t.clusters.find((x) => x.name === e.cluster);
    if (c !== undefined)
      want.add(key(c.name, 'ExportedServices', c.consul.namespace, exportedServicesName(c, e.partition)));
  }
  return want;
}

const CR_KINDS = ['PeeringAcceptor', 'PeeringDialer', 'ExportedServices', 'Mesh', 'ProxyDefaults'] as const;

interface Listed {
  readonly key: string;
  readonly managed: boolean;
  readonly object: {
    metadata: { deletionTimestamp?: string; annotations?: Record<string, string> };
  } & Record<string, unknown>;
  readonly kind: string;
  readonly cluster: string;
}

/** Our CRs, our Secrets and every peering-token Secret of one cluster. */
function listCluster(sandbox: Sandbox, cluster: string): Listed[] {
  const objects = sandbox.cluster(cluster).objects;
  const out: Listed[] = [];
  const push = (
    kind: string,
    o: Listed['object'] & {
      metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
    },
  ) =>
    out.push({
      key: key(cluster, kind, o.metadata.namespace ?? '', o.metadata.name ?? ''),
      managed: o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
      object: o,
      kind,
      cluster,
    });
  for (const kind of CR_KINDS) for (const o of objects.list(CONSUL_API_VERSION, kind)) push(kind, o);
  const secrets = [
    ...objects.list('v1', 'Secret', undefined, { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` }),
    ...objects.list('v1', 'Secret', undefined, { labelSelector: `${PEERING_TOKEN_LABEL}=true` }),
  ];
  const seen = new Set<string>();
  for (const s of secrets) {
    const id = `${s.metadata.namespace}/${s.metadata.name}`;
    if (!seen.has(id)) push('Secret', s);
    seen.add(id);
  }
  return out;
}

/** A dialer refused by Consul for re-using a token (Synced False with the 403 text). */
function reusedToken(o: Listed['object']): boolean {
  const conditions = ((o.status as { conditions?: unknown[] } | undefined)?.conditions ?? []) as Array<
    Record<string, unknown>
  >;
  return conditions.some(
    (c) =>
      c.type === 'Synced' &&
      c.status === 'False' &&
      /403|new peering token must be generated/.test(`${c.message ?? ''} ${c.reason ?? ''}`),
  );
}

/** Checks the Kubernetes objects of every cluster against the final topology. */
export function checkObjects(sandbox: Sandbox, t: Topology): Omit<StateReport, 'notActive'> {
  const want = expectedObjects(t);
  const listed = t.clusters.flatMap((c) => listCluster(sandbox, c.name));
  const have = new Set(listed.map((l) => l.key));
  // In the sandbox every peering CR and token Secret comes from meshpeer, labelled or not.
  const orphans = listed.filter((l) => !want.has(l.key)).map((l) => l.key);
  // Kubernetes names are unique, so a duplicate is a second object serving the same peering.
  const byPeering = new Map<string, number>();
  for (const l of listed) {
    const peering = l.object.metadata.annotations?.['meshpeer.dev/peering'];
    if (peering === undefined || l.object.metadata.deletionTimestamp !== undefined) continue;
    const k = `${l.cluster} ${l.kind} for ${peering}`;
    byPeering.set(k, (byPeering.get(k) ?? 0) + 1);
  }
  return {
    checked: listed.length,
    missing: [...want].filter((k) => !have.has(k)),
    orphans,
    duplicates: [...byPeering].filter(([, n]) => n > 1).map(([k, n]) => `${k} (${n})`),
    tokenReuse: listed.filter((l) => l.kind === 'PeeringDialer' && reusedToken(l.object)).map((l) => l.key),
  };
}

function consulPeerings(sandbox: Sandbox, cluster: string) {
  return sandboxConsulClient(sandbox, cluster).listPeerings();
}

/** Checks Consul: both sides of every desired peering ACTIVE, no other peering left (probe leftovers included). */
export async function checkConsul(
  sandbox: Sandbox,
  t: Topology,
): Promise<{ checked: number; notActive: string[]; orphans: string[] }> {
  const want = new Map<string, string>();
  for (const p of t.peerings) {
    want.set(`${p.acceptor.cluster} ${p.dialer.peerName}`, p.id);
    want.set(`${p.dialer.cluster} ${p.acceptor.peerName}`, p.id);
  }
  const found = new Map<string, string>();
  for (const c of t.clusters)
    for (const p of await consulPeerings(sandbox, c.name)) found.set(`${c.name} ${p.Name}`, p.State);
  return {
    checked: found.size,
    notActive: [...want.keys()]
      .filter((k) => found.get(k) !== 'ACTIVE')
      .map((k) => `consul ${k}: ${found.get(k) ?? 'absent'}`),
    orphans: [...found].filter(([k]) => !want.has(k)).map(([k, state]) => `consul peering ${k} (${state})`),
  };
}

/** Both checks together. */
export async function checkState(sandbox: Sandbox, t: Topology): Promise<StateReport> {
  const objects = checkObjects(sandbox, t);
  const consul = await checkConsul(sandbox, t);
  return {
    ...objects,
    checked: objects.checked + consul.checked,
    orphans: [...objects.orphans, ...consul.orphans],
    notActive: consul.notActive,
  };
}
