/**
 * Server-side apply (`application/apply-patch+yaml`): merges the applied configuration into the live
 * object, refuses fields another manager owns with a different value unless `force`, and removes
 * fields this manager applied before but no longer sends (when nobody else owns them).
 */

import { KubeApiError } from '../status-error.ts';
import { clone, isRecord, jsonEqual, type ManagedFieldsEntry, type StoredObject } from '../stored-object.ts';
import {
  deleteAt,
  displayPath,
  entryPaths,
  type FieldPath,
  leafPaths,
  toFieldsV1,
  valueAtFieldPath,
} from './field-set.ts';

/** The outcome of an apply, before validation and storage. */
export interface ApplyOutcome {
  /** The merged object to store. */
  object: StoredObject;
  /** The live object with managedFields adjusted for forced takeovers (undefined on create). */
  previous: StoredObject | undefined;
  /** The paths this manager now owns. */
  applied: Set<FieldPath>;
}

/** Who applies, and how. */
export interface ApplyRequest {
  manager: string;
  force: boolean;
  scope: 'main' | 'status';
}

function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch) || !isRecord(target)) return clone(patch);
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) out[key] = deepMerge(out[key], value);
  return out;
}

function scoped(config: StoredObject, scope: 'main' | 'status'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if ((scope === 'status') !== (key === 'status')) continue;
    out[key] = value;
  }
  if (scope === 'main') {
    const { labels, annotations, finalizers, ownerReferences } = config.metadata;
    out.metadata = JSON.parse(JSON.stringify({ labels, annotations, finalizers, ownerReferences }));
  }
  return out;
}

function isOwnEntry(e: ManagedFieldsEntry, req: ApplyRequest): boolean {
  return (
    e.manager === req.manager &&
    e.operation === 'Apply' &&
    (e.subresource === 'status') === (req.scope === 'status')
  );
}

function conflictError(
  conflicts: Array<{ manager: string; apiVersion: string; path: FieldPath }>,
): KubeApiError {
  const lines = conflicts.map(
    (c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${displayPath(c.path)}`,
  );
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${conflicts.length} conflicts: ${lines.map((l) => `\n- ${l}`).join('')}`;
  return new KubeApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: displayPath(c.path),
    })),
  });
}

/** Applies `config` over `live` (undefined when the object does not exist yet). */
export function serverSideApply(
  live: StoredObject | undefined,
  config: StoredObject,
  req: ApplyRequest,
): ApplyOutcome {
  const applied = leafPaths(config, req.scope);
  if (live === undefined) return { object: clone(config), previous: undefined, applied };
  const previous = clone(live);
  const entries = previous.metadata.managedFields ?? [];
  const conflicts: Array<{ manager: string; apiVersion: string; path: FieldPath; index: number }> = [];
  for (const [index, entry] of entries.entries()) {
    if (isOwnEntry(entry, req)) continue;
    for (const path of entryPaths(entry)) {
      if (applied.has(path) && !jsonEqual(valueAtFieldPath(live, path), valueAtFieldPath(config, path))) {
        conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path, index });
      }
    }
  }
  if (conflicts.length > 0 && !req.force) throw conflictError(conflicts);
  for (const [index, entry] of entries.entries()) {
    const lost = new Set(conflicts.filter((c) => c.index === index).map((c) => c.path));
    if (lost.size > 0) entry.fieldsV1 = toFieldsV1([...entryPaths(entry)].filter((p) => !lost.has(p)).sort());
  }
  const object = deepMerge(live, scoped(config, req.scope)) as StoredObject;
  const before = entries.find((e) => isOwnEntry(e, req));
  const others = entries.filter((e) => !isOwnEntry(e, req)).map((e) => entryPaths(e));
  for (const path of before === undefined ? [] : entryPaths(before)) {
    if (!applied.has(path) && !others.some((set) => set.has(path))) deleteAt(object, path);
  }
  return { object, previous, applied };
}
