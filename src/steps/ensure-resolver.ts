/**
 * Read-modify-write of a service's ServiceResolver: meshpeer writes `spec.failover['*']` and records
 * that it did; subsets, redirect, timeouts, load balancing and other failover keys stay as others
 * wrote them. Writes carry the live resourceVersion, so a concurrent edit makes the step retry.
 */
import type { ClusterClient, LiveObject } from '../kube/cluster-client.ts';
import { type KubeObject, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../resources/consul-resources.ts';
import {
  anySubsetFailover,
  hasRedirect,
  onlyAnySubsetFailover,
  ownsFailover,
  sameFailover,
  withAnySubsetFailover,
} from '../resources/service-resolver-merge.ts';
import { FAILOVER_ANY_SUBSET, OWNED_FAILOVER_ANNOTATION } from '../resources/traffic-resources.ts';
import { replaceBody } from './replace-body.ts';

/** What the write did. */
export type ResolverWrite =
  | { readonly kind: 'unchanged' | 'written'; readonly live: LiveObject }
  | { readonly kind: 'deleted' | 'deleting' | 'gone' }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * The live resolver of a service: in the desired namespace, else anywhere (without namespace
 * mirroring consul-k8s admits one per name in the whole cluster, configentry_webhook.go).
 * Simplified: with mirroring a same-named resolver elsewhere serves another Consul namespace.
 */
function findResolver(all: readonly LiveObject[], desired: KubeObject): LiveObject | undefined {
  const named = all.filter((o) => o.metadata.name === desired.metadata.name);
  return named.find((o) => o.metadata.namespace === desired.metadata.namespace) ?? named[0];
}

const managedBy = (o: LiveObject) => o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;

/** Writes meshpeer's `failover['*']` of `desired` into the service's resolver, creating it when missing. */
export async function ensureResolver(client: ClusterClient, desired: KubeObject): Promise<ResolverWrite> {
  const live = findResolver(await client.list(desired.apiVersion, desired.kind, ''), desired);
  if (live === undefined) return { kind: 'written', live: await client.create({ ...desired }) };
  if (live.metadata.deletionTimestamp !== undefined) return { kind: 'deleting' };
  const name = `ServiceResolver ${live.metadata.name}`;
  if (hasRedirect(live.spec))
    return {
      kind: 'refused',
      reason: `${name} has a redirect, and consul-k8s refuses a failover beside one: remove the redirect there, or the failover of ${live.metadata.name} from peerings.yaml`,
    };
  const want = anySubsetFailover(desired.spec);
  // An equal failover someone else wrote stays theirs, as an export entry does: nothing to write.
  if (sameFailover(anySubsetFailover(live.spec), want)) return { kind: 'unchanged', live };
  const annotations = { ...live.metadata.annotations, [OWNED_FAILOVER_ANNOTATION]: FAILOVER_ANY_SUBSET };
  const object = replaceBody(live, annotations, withAnySubsetFailover(live.spec, want));
  return { kind: 'written', live: await client.replace(object) };
}

/**
 * Removes meshpeer's `failover['*']` from a resolver; deletes the resolver only when meshpeer
 * created it and nothing else is in it. A resolver meshpeer neither created nor wrote is refused.
 */
export async function pruneResolver(
  client: ClusterClient,
  key: { apiVersion: string; namespace: string; name: string },
): Promise<ResolverWrite> {
  const live = await client.get({ ...key, kind: 'ServiceResolver' });
  if (live === undefined) return { kind: 'gone' };
  if (live.metadata.deletionTimestamp !== undefined) return { kind: 'deleting' };
  const owns = ownsFailover(live.metadata.annotations);
  if (managedBy(live) && onlyAnySubsetFailover(live.spec)) {
    await client.delete({ ...key, kind: 'ServiceResolver' });
    return { kind: 'deleted' };
  }
  if (!owns) {
    if (managedBy(live)) return { kind: 'unchanged', live };
    return {
      kind: 'refused',
      reason: `ServiceResolver ${live.metadata.name} holds no failover meshpeer wrote any more: not touching it`,
    };
  }
  const { [OWNED_FAILOVER_ANNOTATION]: _dropped, ...annotations } = live.metadata.annotations ?? {};
  const object = replaceBody(live, annotations, withAnySubsetFailover(live.spec, undefined));
  return { kind: 'written', live: await client.replace(object) };
}
