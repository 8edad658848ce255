/**
 * Observe, compare, act for one object: server-side apply only when the live object differs from
 * the desired one, so a matching cluster sees zero writes (BullMQ delivers at least once).
 */
import type { ClusterClient, LiveObject } from '../kube/cluster-client.ts';
import type { KubeObject } from '../resources/consul-resources.ts';

function contains(live: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return live === want;
  if (Array.isArray(want))
    return Array.isArray(live) && live.length === want.length && want.every((w, i) => contains(live[i], w));
  if (live === null || typeof live !== 'object') return false;
  return Object.entries(want).every(([k, v]) => contains((live as Record<string, unknown>)[k], v));
}

/** Whether a live object already carries every desired label, annotation and spec field. */
export function matches(live: LiveObject | undefined, desired: KubeObject): boolean {
  if (live === undefined || live.metadata.deletionTimestamp !== undefined) return false;
  return (
    contains(live.metadata.labels ?? {}, desired.metadata.labels) &&
    contains(live.metadata.annotations ?? {}, desired.metadata.annotations ?? {}) &&
    contains(live.spec ?? {}, desired.spec) &&
    contains(desired.spec, live.spec ?? {})
  );
}

/** Applies the desired object when it differs; returns the live object and whether it wrote. */
export async function ensureObject(
  client: ClusterClient,
  desired: KubeObject,
): Promise<{ live: LiveObject; wrote: boolean }> {
  const key = {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    namespace: desired.metadata.namespace,
    name: desired.metadata.name,
  };
  const live = await client.get(key);
  if (live !== undefined && matches(live, desired)) return { live, wrote: false };
  return { live: await client.apply(desired), wrote: true };
}

/** The `Synced` condition of a consul-k8s resource. */
export function syncedCondition(live: LiveObject): { status?: string; reason?: string; message?: string } {
  const conditions =
    (live.status?.conditions as
      | Array<{ type?: string; status?: string; reason?: string; message?: string }>
      | undefined) ?? [];
  return conditions.find((c) => c.type === 'Synced') ?? {};
}

/** A singleton kind's one object, wherever it lives (consul-k8s admits one per cluster). */
async function findAnywhere(client: ClusterClient, desired: KubeObject): Promise<LiveObject | undefined> {
  const all = await client.list(desired.apiVersion, desired.kind, '');
  return all.find((o) => o.metadata.name === desired.metadata.name);
}

/**
 * Writes meshpeer's fields of a singleton (Mesh, ProxyDefaults): an existing one is adopted where
 * it lives and compared on meshpeer's fields only, so fields others set never cause a write and
 * are never touched (server-side apply of just these fields); a new one is created as desired.
 * `live` is undefined while a previous one is still being deleted.
 */
export async function ensureSingleton(
  client: ClusterClient,
  desired: KubeObject,
): Promise<{ live: LiveObject | undefined; wrote: boolean }> {
  const live = await findAnywhere(client, desired);
  if (live?.metadata.deletionTimestamp !== undefined) return { live: undefined, wrote: false };
  if (live === undefined) return { live: await client.apply(desired), wrote: true };
  if (contains(live.spec ?? {}, desired.spec)) return { live, wrote: false };
  const fields = {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: {
      name: desired.metadata.name,
      namespace: live.metadata.namespace ?? desired.metadata.namespace,
    },
    spec: desired.spec,
  };
  return { live: await client.apply(fields), wrote: true };
}
