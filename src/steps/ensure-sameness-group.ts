/**
 * Observe, compare, act for a SamenessGroup. One meshpeer creates carries the managed label; an
 * existing unlabelled one is adopted for the declared fields only: compared on them, written with
 * server-side apply of just them, and left unlabelled so meshpeer never prunes it (as the Mesh and
 * ProxyDefaults singletons are adopted, ensure-object.ts ensureSingleton).
 */
import type { ClusterClient, LiveObject } from '../kube/cluster-client.ts';
import { type KubeObject, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../resources/consul-resources.ts';
import { samenessDiff, samenessFields } from '../resources/sameness-group-fields.ts';

/** What the write did; `live` is undefined while a previous group of that name is being deleted. */
export interface SamenessGroupWrite {
  readonly live: LiveObject | undefined;
  readonly wrote: boolean;
  /** The group existed without meshpeer's label: only its declared fields were written. */
  readonly adopted: boolean;
}

/** Creates the group, or writes the declared fields of an existing one when they differ. */
export async function ensureSamenessGroup(
  client: ClusterClient,
  desired: KubeObject,
): Promise<SamenessGroupWrite> {
  const all = await client.list(desired.apiVersion, desired.kind, '');
  const live = all.find((o) => o.metadata.name === desired.metadata.name);
  const labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  if (live === undefined) {
    const object = { ...desired, metadata: { ...desired.metadata, labels } };
    return { live: await client.apply(object), wrote: true, adopted: false };
  }
  if (live.metadata.deletionTimestamp !== undefined) return { live: undefined, wrote: false, adopted: false };
  const managed = live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  if (samenessDiff(samenessFields(live.spec), samenessFields(desired.spec)).length === 0)
    return { live, wrote: false, adopted: !managed };
  const fields = {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: {
      name: desired.metadata.name,
      namespace: live.metadata.namespace ?? desired.metadata.namespace,
      ...(managed && { labels }),
    },
    spec: desired.spec,
  };
  return { live: await client.apply(fields), wrote: true, adopted: !managed };
}
