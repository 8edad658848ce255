/**
 * Read-modify-write of the one ServiceIntentions of a destination: meshpeer's sources are merged
 * into the live list (sources others wrote survive) and written with the live object's
 * resourceVersion, so a concurrent edit makes the write fail with a conflict and the step retries on
 * fresh data instead of overwriting it. The live object is found by `spec.destination`, not by name:
 * consul-k8s admits one per destination whatever it is called (serviceintentions_webhook.go).
 */
import type { ClusterClient, LiveObject, ObjectKey } from '../kube/cluster-client.ts';
import { type KubeObject, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../resources/consul-resources.ts';
import {
  mergeIntentions,
  OWNED_INTENTIONS_ANNOTATION,
  ownedIntentions,
  sameIntentions,
  sourcesOf,
} from '../resources/service-intentions-merge.ts';
import { destinationOf, sameDestination } from '../resources/traffic-resources.ts';
import { replaceBody } from './replace-body.ts';

/** What the write did. */
export type IntentionsWrite =
  | { readonly kind: 'unchanged' | 'written'; readonly live: LiveObject }
  | { readonly kind: 'deleted' | 'deleting' | 'gone' }
  | { readonly kind: 'refused'; readonly reason: string };

const withOwned = (annotations: Readonly<Record<string, string>> | undefined, owned: readonly string[]) => ({
  ...annotations,
  [OWNED_INTENTIONS_ANNOTATION]: JSON.stringify(owned),
});

async function create(client: ClusterClient, desired: KubeObject): Promise<IntentionsWrite> {
  const wanted = sourcesOf(desired);
  if (wanted.length === 0) return { kind: 'gone' };
  const { owned } = mergeIntentions([], [], wanted);
  const object = {
    ...desired,
    metadata: { ...desired.metadata, annotations: withOwned(desired.metadata.annotations, owned) },
  };
  return { kind: 'written', live: await client.create(object) };
}

/** Merges meshpeer's sources (`wanted`; empty removes them all) into a live ServiceIntentions. */
async function mergeInto(
  client: ClusterClient,
  live: LiveObject,
  wanted: ReturnType<typeof sourcesOf>,
): Promise<IntentionsWrite> {
  if (live.metadata.deletionTimestamp !== undefined) return { kind: 'deleting' };
  const name = `ServiceIntentions ${live.metadata.name}`;
  const managed = live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  const before = ownedIntentions(live, managed);
  const merged = mergeIntentions(sourcesOf(live), before, wanted);
  if (merged.conflicts.length > 0)
    return {
      kind: 'refused',
      reason: `${name} already has sources meshpeer did not write for ${merged.conflicts.join(', ')}, with another action or L7 permissions; Consul admits one per source: change or remove them there, or change peerings.yaml`,
    };
  const recorded = live.metadata.annotations?.[OWNED_INTENTIONS_ANNOTATION] !== undefined;
  const sameOwned = before.length === merged.owned.length && before.every((k, i) => k === merged.owned[i]);
  if (sameIntentions(merged.sources, sourcesOf(live)) && sameOwned && recorded)
    return { kind: 'unchanged', live };
  if (merged.sources.length === 0) {
    if (!managed)
      return {
        kind: 'refused',
        reason: `removing meshpeer's sources would leave ${name} with none, which consul-k8s refuses, and meshpeer did not create it: delete it by hand if nothing should reach ${String(destinationOf(live).name)}`,
      };
    const key: ObjectKey = {
      apiVersion: live.apiVersion,
      kind: live.kind,
      namespace: live.metadata.namespace ?? '',
      name: live.metadata.name,
    };
    await client.delete(key);
    return { kind: 'deleted' };
  }
  const object = replaceBody(live, withOwned(live.metadata.annotations, merged.owned), {
    ...live.spec,
    sources: merged.sources,
  });
  return { kind: 'written', live: await client.replace(object) };
}

/** Merges `desired` (meshpeer's sources of one destination) into that destination's ServiceIntentions. */
export async function ensureIntentions(client: ClusterClient, desired: KubeObject): Promise<IntentionsWrite> {
  const all = await client.list(desired.apiVersion, desired.kind, '');
  const want = destinationOf(desired);
  const live = all.find((o) => sameDestination(destinationOf(o), want));
  return live === undefined ? create(client, desired) : mergeInto(client, live, sourcesOf(desired));
}

/** Removes meshpeer's sources from one ServiceIntentions; deletes it only when meshpeer created it and none are left. */
export async function pruneIntentions(
  client: ClusterClient,
  key: Omit<ObjectKey, 'apiVersion' | 'kind'> & { apiVersion: string },
): Promise<IntentionsWrite> {
  const live = await client.get({ ...key, kind: 'ServiceIntentions' });
  return live === undefined ? { kind: 'gone' } : mergeInto(client, live, []);
}
