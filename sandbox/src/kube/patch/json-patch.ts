/** RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over plain JSON values. */
import { clone, isRecord, jsonEqual } from '../stored-object.ts';

/** A JSON patch that cannot be applied; the server maps it to a 422 or 400. */
export class JsonPatchError extends Error {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, segments: string[]): { parent: unknown; key: string } {
  let current = doc;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isRecord(current)) current = current[segment];
    else current = undefined;
    if (current === undefined) throw new JsonPatchError(`path /${segments.join('/')} does not exist`);
  }
  return { parent: current, key: segments[segments.length - 1] ?? '' };
}

function read(doc: unknown, pointer: string): unknown {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return doc;
  const { parent, key } = parentOf(doc, segments);
  const value = Array.isArray(parent) ? parent[Number(key)] : isRecord(parent) ? parent[key] : undefined;
  if (value === undefined) throw new JsonPatchError(`path ${pointer} does not exist`);
  return value;
}

function arrayIndex(arr: unknown[], key: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  const index = Number(key);
  const max = forInsert ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || index > max) throw new JsonPatchError(`array index ${key} is out of range`);
  return index;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return value;
  const { parent, key } = parentOf(doc, segments);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else if (isRecord(parent)) parent[key] = value;
  else throw new JsonPatchError(`path ${pointer} has no parent object`);
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const segments = parsePointer(pointer);
  const { parent, key } = parentOf(doc, segments);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (isRecord(parent) && Object.hasOwn(parent, key)) delete parent[key];
  else throw new JsonPatchError(`unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

function applyOne(doc: unknown, op: Record<string, unknown>): unknown {
  const path = typeof op.path === 'string' ? op.path : undefined;
  if (path === undefined) throw new JsonPatchError('operation is missing a path');
  const from = typeof op.from === 'string' ? op.from : '';
  switch (op.op) {
    case 'add':
      return add(doc, path, clone(op.value));
    case 'remove':
      return remove(doc, path);
    case 'replace':
      read(doc, path);
      return add(remove(doc, path), path, clone(op.value));
    case 'move': {
      const value = read(doc, from);
      return add(remove(doc, from), path, value);
    }
    case 'copy':
      return add(doc, path, clone(read(doc, from)));
    case 'test':
      if (!jsonEqual(read(doc, path), op.value)) throw new JsonPatchError(`testing value ${path} failed`);
      return doc;
    default:
      throw new JsonPatchError(`unexpected kind: ${String(op.op)}`);
  }
}

/** Applies a JSON patch document to a copy of `target`. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const op of patch) {
    if (!isRecord(op)) throw new JsonPatchError('invalid JSON patch operation');
    doc = applyOne(doc, op);
  }
  return doc;
}
