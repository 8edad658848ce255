/** RFC 7386 JSON Merge Patch: objects merge recursively, null deletes, everything else replaces. */
import { clone, isRecord } from '../stored-object.ts';

/** Applies a merge patch to a copy of `target`. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
