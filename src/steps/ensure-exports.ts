/**
 * Read-modify-write of the one ExportedServices of a cluster and partition: meshpeer's entries are
 * merged into the live list (entries others wrote survive) and written with the live object's
 * resourceVersion, so a concurrent edit makes the write fail with a conflict and the step retries
 * on fresh data instead of overwriting it.
 */
import type { ClusterClient, LiveObject } from '../kube/cluster-client.ts';
import { type KubeObject, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../resources/consul-resources.ts';
import {
  type ExportedService,
  mergeExports,
  OWNED_EXPORTS_ANNOTATION,
  ownedExports,
  sameExports,
} from '../resources/exported-services-merge.ts';
import { resyncRequest } from './resync-request.ts';

/** What the write did. */
export type ExportsWrite =
  | { readonly kind: 'unchanged' | 'written'; readonly live: LiveObject }
  | { readonly kind: 'deleted' | 'deleting' | 'gone' }
  | { readonly kind: 'refused'; readonly reason: string };

const servicesOf = (o: { spec?: Readonly<Record<string, unknown>> }) =>
  (o.spec?.services as ExportedService[] | undefined) ?? [];

function withOwned(annotations: Readonly<Record<string, string>> | undefined, owned: readonly string[]) {
  return { ...annotations, [OWNED_EXPORTS_ANNOTATION]: JSON.stringify(owned) };
}

/** Writes `live` back with these annotations and spec under its resourceVersion: a concurrent edit fails it. */
function replaceLive(
  client: ClusterClient,
  live: LiveObject,
  namespace: string,
  annotations: Readonly<Record<string, string>>,
  spec: Readonly<Record<string, unknown>>,
): Promise<LiveObject> {
  const { managedFields: _ignored, ...metadata } = live.metadata as LiveObject['metadata'] & {
    managedFields?: unknown;
  };
  return client.replace({
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { ...metadata, namespace, resourceVersion: live.metadata.resourceVersion ?? '', annotations },
    spec,
  });
}

async function create(
  client: ClusterClient,
  desired: KubeObject,
  owned: readonly string[],
): Promise<ExportsWrite> {
  if (servicesOf(desired).length === 0) return { kind: 'gone' };
  const object = {
    ...desired,
    metadata: { ...desired.metadata, annotations: withOwned(desired.metadata.annotations, owned) },
  };
  return { kind: 'written', live: await client.create(object) };
}

/** Merges `desired` (meshpeer's entries; an empty list removes them all) into the live object. */
export async function ensureExports(client: ClusterClient, desired: KubeObject): Promise<ExportsWrite> {
  const all = await client.list(desired.apiVersion, desired.kind, '');
  const live = all.find((o) => o.metadata.name === desired.metadata.name);
  if (live?.metadata.deletionTimestamp !== undefined) return { kind: 'deleting' };
  const wanted = servicesOf(desired);
  if (live === undefined) return create(client, desired, mergeExports([], [], wanted).owned);
  const managed = live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  const before = ownedExports(live, managed);
  const merged = mergeExports(servicesOf(live), before, wanted);
  const recorded = live.metadata.annotations?.[OWNED_EXPORTS_ANNOTATION] !== undefined;
  const sameOwned = before.length === merged.owned.length && before.every((k, i) => k === merged.owned[i]);
  if (sameExports(merged.services, servicesOf(live)) && sameOwned && recorded)
    return { kind: 'unchanged', live };
  if (merged.services.length === 0) {
    if (!managed)
      return {
        kind: 'refused',
        reason: `removing meshpeer's entries would leave ExportedServices ${live.metadata.name} empty, and meshpeer did not create it: delete it by hand if nothing should be exported`,
      };
    await client.delete({
      apiVersion: desired.apiVersion,
      kind: desired.kind,
      namespace: live.metadata.namespace ?? '',
      name: live.metadata.name,
    });
    return { kind: 'deleted' };
  }
  const namespace = live.metadata.namespace ?? desired.metadata.namespace;
  const annotations = withOwned(live.metadata.annotations, merged.owned);
  const written = await replaceLive(client, live, namespace, annotations, {
    ...live.spec,
    services: merged.services,
  });
  return { kind: 'written', live: written };
}

/**
 * Asks consul-k8s to sync a Synced ExportedServices again (resyncRequest), with an update rather
 * than a patch, the verb meshpeer's RBAC grants on it. False when asked moments ago.
 */
export async function requestExportsResync(
  client: ClusterClient,
  live: LiveObject,
  now: number,
): Promise<boolean> {
  const request = resyncRequest(live, now);
  if (request === undefined) return false;
  const annotations = { ...live.metadata.annotations, ...request };
  await replaceLive(client, live, live.metadata.namespace ?? '', annotations, { ...live.spec });
  return true;
}
