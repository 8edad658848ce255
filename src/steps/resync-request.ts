/**
 * How meshpeer makes consul-k8s sync a Synced config-entry resource again after its entry changed
 * in Consul: the config-entry controllers watch their kinds with no predicate, so any update of the
 * resource queues it (control-plane/controllers/configentries/configentry_controller.go); short of
 * that, they re-sync every 10 hours (controller-runtime's default SyncPeriod, which consul-k8s keeps).
 */
import type { ClusterClient, LiveObject } from '../kube/cluster-client.ts';

/** When meshpeer last asked consul-k8s to sync the resource again (an ISO time). */
export const RESYNC_REQUESTED_ANNOTATION = 'meshpeer.dev/resync-requested';

/** Asks again no sooner than this, so a slow controller is not flooded with updates. */
const RESYNC_EVERY_MS = 10_000;

/** The annotation to write to ask again, or undefined when meshpeer asked moments ago. */
export function resyncRequest(live: LiveObject, now: number): Record<string, string> | undefined {
  const last = Date.parse(live.metadata.annotations?.[RESYNC_REQUESTED_ANNOTATION] ?? '');
  const since = now - last;
  // A stamp from the future (another worker's clock ahead) must not silence the prompts until then.
  if (Number.isFinite(since) && since >= 0 && since < RESYNC_EVERY_MS) return undefined;
  return { [RESYNC_REQUESTED_ANNOTATION]: new Date(now).toISOString() };
}

/**
 * Asks consul-k8s to sync a Synced singleton (the Mesh) again with a merge patch of the
 * annotation, the verb meshpeer's RBAC grants on it. False when asked moments ago.
 */
export async function patchResyncRequest(
  client: ClusterClient,
  live: LiveObject,
  now: number,
): Promise<boolean> {
  const request = resyncRequest(live, now);
  if (request === undefined) return false;
  const key = {
    apiVersion: live.apiVersion,
    kind: live.kind,
    namespace: live.metadata.namespace ?? '',
    name: live.metadata.name,
  };
  await client.mergePatch(key, { metadata: { annotations: request } });
  return true;
}
