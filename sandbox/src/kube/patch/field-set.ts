/**
 * Field ownership for managedFields and server-side apply: an object is reduced to its leaf paths
 * (scalars, lists and empty maps; lists are atomic, as CRD lists are by default), and path sets
 * convert to and from the FieldsV1 wire form.
 */
import { isRecord, type ManagedFieldsEntry, type StoredObject } from '../stored-object.ts';

/** A leaf path encoded as a JSON array string, so it can live in a Set. */
export type FieldPath = string;

const serverOwnedMeta = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function collect(value: unknown, path: string[], out: Set<FieldPath>): void {
  if (isRecord(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) collect(child, [...path, key], out);
    return;
  }
  out.add(JSON.stringify(path));
}

/** The leaf paths of an object a manager can own, limited to `status` or to everything but it. */
export function leafPaths(obj: StoredObject, scope: 'main' | 'status' | 'all'): Set<FieldPath> {
  const out = new Set<FieldPath>();
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (scope === 'main' && key === 'status') continue;
    if (scope === 'status' && key !== 'status') continue;
    if (key === 'metadata' && isRecord(value)) {
      for (const [mk, mv] of Object.entries(value))
        if (!serverOwnedMeta.has(mk)) collect(mv, ['metadata', mk], out);
      continue;
    }
    collect(value, [key], out);
  }
  return out;
}

/** The value at a leaf path (undefined when absent). */
export function valueAtFieldPath(obj: unknown, path: FieldPath): unknown {
  let current = obj;
  for (const segment of JSON.parse(path) as string[]) {
    if (!isRecord(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** Removes the field at a leaf path, if present. */
export function deleteAt(obj: unknown, path: FieldPath): void {
  const segments = JSON.parse(path) as string[];
  let current = obj;
  for (const segment of segments.slice(0, -1)) {
    if (!isRecord(current)) return;
    current = current[segment];
  }
  const last = segments[segments.length - 1];
  if (isRecord(current) && last !== undefined) delete current[last];
}

/** A path as users read it: `.spec.peer.secret.name`. */
export function displayPath(path: FieldPath): string {
  return (JSON.parse(path) as string[])
    .map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
    .join('');
}

/** The FieldsV1 tree of a path set. */
export function toFieldsV1(paths: Iterable<FieldPath>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    let node = root;
    for (const segment of JSON.parse(path) as string[]) {
      const key = `f:${segment}`;
      const next = (node[key] as Record<string, unknown> | undefined) ?? {};
      node[key] = next;
      node = next;
    }
  }
  return root;
}

/** The path set of a FieldsV1 tree (inverse of toFieldsV1). */
export function fromFieldsV1(
  tree: unknown,
  prefix: string[] = [],
  out = new Set<FieldPath>(),
): Set<FieldPath> {
  if (!isRecord(tree)) return out;
  const keys = Object.keys(tree).filter((k) => k.startsWith('f:'));
  if (keys.length === 0 && prefix.length > 0) out.add(JSON.stringify(prefix));
  for (const key of keys) fromFieldsV1(tree[key], [...prefix, key.slice(2)], out);
  return out;
}

/** The field set of one managedFields entry. */
export function entryPaths(entry: ManagedFieldsEntry): Set<FieldPath> {
  return fromFieldsV1(entry.fieldsV1);
}
