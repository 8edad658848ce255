/**
 * Maintains metadata.managedFields on every write: an Update takes ownership of the fields it
 * changed (removing them from other managers), an Apply owns exactly the fields it sent.
 */
import { jsonEqual, type ManagedFieldsEntry, type StoredObject } from '../stored-object.ts';
import { entryPaths, type FieldPath, leafPaths, toFieldsV1, valueAtFieldPath } from './field-set.ts';

/** Who wrote, how, and through which endpoint. */
export interface WriteManager {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: 'status';
  apiVersion: string;
  /** For Apply: the exact set of paths the applied configuration holds. */
  applied?: Set<FieldPath>;
}

function sameEntry(e: ManagedFieldsEntry, m: WriteManager): boolean {
  return e.manager === m.manager && e.operation === m.operation && e.subresource === m.subresource;
}

function makeEntry(m: WriteManager, paths: Set<FieldPath>, time: string): ManagedFieldsEntry {
  const entry: ManagedFieldsEntry = {
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1([...paths].sort()),
  };
  if (m.subresource !== undefined) entry.subresource = m.subresource;
  return entry;
}

/** The paths whose value differs between two objects, within a scope. */
export function changedPaths(
  old: StoredObject | undefined,
  next: StoredObject,
  scope: 'main' | 'status',
): Set<FieldPath> {
  const out = new Set<FieldPath>();
  for (const path of leafPaths(next, scope)) {
    if (old === undefined || !jsonEqual(valueAtFieldPath(old, path), valueAtFieldPath(next, path)))
      out.add(path);
  }
  return out;
}

/** Returns the managedFields list `next` should carry after a write by `m`. */
export function updateManagedFields(
  old: StoredObject | undefined,
  next: StoredObject,
  m: WriteManager,
  now: string,
): ManagedFieldsEntry[] {
  const scope = m.subresource === 'status' ? 'status' : 'main';
  const present = leafPaths(next, 'all');
  const taken = m.applied ?? changedPaths(old, next, scope);
  const result: ManagedFieldsEntry[] = [];
  let mine: Set<FieldPath> | undefined;
  for (const entry of old?.metadata.managedFields ?? []) {
    const paths = entryPaths(entry);
    if (sameEntry(entry, m)) {
      mine = paths;
      continue;
    }
    // An Update takes ownership of what it changed; an Apply shares (conflicts were settled before).
    const kept = [...paths].filter((p) => present.has(p) && (m.operation === 'Apply' || !taken.has(p)));
    if (kept.length === paths.size) result.push(entry);
    else if (kept.length > 0) result.push({ ...entry, fieldsV1: toFieldsV1(kept.sort()) });
  }
  const ownNext = m.operation === 'Apply' ? taken : new Set([...(mine ?? [])].filter((p) => present.has(p)));
  if (m.operation === 'Update') for (const p of taken) ownNext.add(p);
  if (ownNext.size > 0) {
    const unchanged =
      mine !== undefined && mine.size === ownNext.size && [...ownNext].every((p) => mine?.has(p));
    const previous = old?.metadata.managedFields?.find((e) => sameEntry(e, m));
    result.push(
      unchanged && previous !== undefined && taken.size === 0 ? previous : makeEntry(m, ownNext, now),
    );
  }
  return result;
}
