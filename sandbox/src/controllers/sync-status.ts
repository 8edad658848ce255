/**
 * What the consul-k8s controllers share: the finalizer, the single `Synced` condition with its
 * reasons, the peering-version annotation parsed as Go's strconv.ParseUint does, and status writes
 * through the status subresource.
 */
import { PEERING_VERSION_ANNOTATION } from '../../../src/resources/consul-resources.ts';
import type { InProcessKube, StoredObjectRef } from '../kube/in-process-kube.ts';
import { getPath, type StoredObject } from '../kube/stored-object.ts';

/** The finalizer every consul-k8s controller adds. */
export const CONSUL_FINALIZER = 'finalizers.consul.hashicorp.com';

/** The Synced reasons of the peering controllers (lower camel case, as in consul-k8s). */
export type PeeringSyncReason = 'consulAgentError' | 'internalError' | 'kubernetesError';

/** The Synced reasons of the config-entry controller. */
export type ConfigEntrySyncReason =
  | 'ConsulAgentError'
  | 'ExternallyManagedConfigError'
  | 'MigrationFailedError'
  | 'ConsulPatchError';

/** The one condition consul-k8s resources carry; reason and message only on failure. */
export function newSyncedCondition(
  status: 'True' | 'False' | 'Unknown',
  reason?: string,
  message?: string,
): Record<string, unknown> {
  return {
    type: 'Synced',
    status,
    lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(reason !== undefined && reason !== '' && { reason }),
    ...(message !== undefined && message !== '' && { message }),
  };
}

/**
 * Sets the Synced condition in a status being written. An unchanged condition keeps its
 * transition time, so retries of the same failure are no-op writes instead of watch-event storms.
 */
export function setSynced(
  status: Record<string, unknown>,
  value: 'True' | 'False' | 'Unknown',
  reason?: string,
  message?: string,
): void {
  const next = newSyncedCondition(value, reason, message);
  const previous = Array.isArray(status.conditions)
    ? (status.conditions as Array<Record<string, unknown>>).find((c) => c.type === 'Synced')
    : undefined;
  const same =
    previous !== undefined &&
    previous.status === next.status &&
    previous.reason === next.reason &&
    previous.message === next.message;
  if (same) next.lastTransitionTime = previous.lastTransitionTime;
  status.conditions = [next];
}

/** Now, as the metav1.Time the status fields carry. */
export function kubeNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether the object carries the consul finalizer. */
export function hasFinalizer(obj: StoredObject): boolean {
  return (obj.metadata.finalizers ?? []).includes(CONSUL_FINALIZER);
}

/** Replaces the object with the finalizer added or removed (an Update, like controllerutil). */
export function setFinalizer(objects: InProcessKube, obj: StoredObject, present: boolean): StoredObject {
  const others = (obj.metadata.finalizers ?? []).filter((f) => f !== CONSUL_FINALIZER);
  const finalizers = present ? [...others, CONSUL_FINALIZER] : others;
  return objects.replace(
    { ...obj, metadata: { ...obj.metadata, finalizers } },
    { fieldManager: 'consul-k8s' },
  );
}

/** The Synced condition of an object, if any. */
export function syncedOf(obj: StoredObject): Record<string, unknown> | undefined {
  const conditions = getPath(obj, ['status', 'conditions']);
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c) => (c as { type?: unknown }).type === 'Synced') as
    | Record<string, unknown>
    | undefined;
}

/** The peering-version annotation: undefined when absent; throws Go's error text when malformed. */
export function peeringVersion(obj: StoredObject): number | undefined {
  const raw = obj.metadata.annotations?.[PEERING_VERSION_ANNOTATION];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value))
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(raw)}: value out of range`);
  return value;
}

/** Whether the annotation was raised above status.latestPeeringVersion (throws when malformed). */
export function peeringVersionRaised(obj: StoredObject): boolean {
  const version = peeringVersion(obj);
  if (version === undefined) return false;
  const latest = getPath(obj, ['status', 'latestPeeringVersion']);
  return typeof latest !== 'number' || latest < version;
}

/** Re-reads the object and writes its status through /status; returns false when it is gone. */
export function writeStatus(
  objects: InProcessKube,
  ref: StoredObjectRef,
  mutate: (status: Record<string, unknown>, obj: StoredObject) => void,
): boolean {
  const current = objects.get(ref);
  if (current === undefined) return false;
  const status = { ...((current.status as Record<string, unknown> | undefined) ?? {}) };
  mutate(status, current);
  objects.updateStatus({ ...current, status }, { fieldManager: 'consul-k8s' });
  return true;
}

/** Best-effort Synced=False write; a failed status write is only logged, as consul-k8s does. */
export function writeSyncError(
  objects: InProcessKube,
  ref: StoredObjectRef,
  reason: string,
  err: unknown,
  log?: (line: string) => void,
): void {
  try {
    writeStatus(objects, ref, (status) => {
      setSynced(status, 'False', reason, (err as Error).message);
    });
  } catch (statusErr) {
    log?.(
      `failed to update ${ref.kind} ${ref.namespace}/${ref.name} status: ${(statusErr as Error).message}`,
    );
  }
}
