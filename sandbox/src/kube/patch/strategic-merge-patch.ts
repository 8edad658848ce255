/**
 * Strategic merge patch for the built-in kinds, as kubectl sends it: like a merge patch, but lists
 * with a patch merge key (containers by name, ports by port, ...) merge element-wise, finalizers
 * merge as a set, and the `$patch`, `$retainKeys`, `$setElementOrder` and `$deleteFromPrimitiveList`
 * directives are honoured.
 */
import { clone, isRecord } from '../stored-object.ts';

const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
};
const primitiveMergeLists = new Set(['finalizers']);

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports')
    return items.some((i) => isRecord(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return mergeKeys[field];
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  const base = Array.isArray(current) ? [...current] : [];
  if (primitiveMergeLists.has(field)) return [...base, ...patch.filter((v) => !base.includes(v))];
  const key = mergeKeyFor(field, [...base, ...patch]);
  if (key === undefined) return clone(patch);
  if (patch.some((i) => isRecord(i) && i.$patch === 'replace')) {
    return patch.filter((i) => !(isRecord(i) && i.$patch === 'replace')).map((i) => strip(i));
  }
  for (const item of patch) {
    if (!isRecord(item)) continue;
    const index = base.findIndex((b) => isRecord(b) && b[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index !== -1) base.splice(index, 1);
    } else if (index === -1) base.push(strip(item));
    else base[index] = applyStrategicMergePatch(base[index], item);
  }
  return base;
}

function strip(value: unknown): unknown {
  if (!isRecord(value)) return clone(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = strip(v);
  return out;
}

function directive(out: Record<string, unknown>, key: string, value: unknown): boolean {
  if (key.startsWith('$setElementOrder/') || key === '$retainKeys') return true;
  if (key.startsWith('$deleteFromPrimitiveList/')) {
    const field = key.slice('$deleteFromPrimitiveList/'.length);
    const list = out[field];
    if (Array.isArray(list) && Array.isArray(value)) out[field] = list.filter((v) => !value.includes(v));
    return true;
  }
  return key === '$patch';
}

/** Applies a strategic merge patch to a copy of `target`. */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  if (patch.$patch === 'replace') return strip(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as unknown[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (directive(out, key, value)) continue;
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(key, out[key], value);
    else {
      const merged = applyStrategicMergePatch(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
  }
  if (retain !== undefined) for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  return out;
}
