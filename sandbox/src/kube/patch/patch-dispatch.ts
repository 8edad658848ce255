/** Picks the patch engine for a Content-Type and turns engine failures into API errors. */

import type { ResourceType } from '../resource-type.ts';
import { KubeApiError, unsupportedMediaType } from '../status-error.ts';
import type { StoredObject } from '../stored-object.ts';
import { applyJsonPatch, JsonPatchError } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

/** The four patch flavours of the Kubernetes API. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const contentTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

/** The media types a resource accepts for PATCH, in the server's order. */
export function acceptedPatchTypes(rt: ResourceType): string[] {
  const all = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
  return rt.builtIn ? [...all.slice(0, 2), 'application/strategic-merge-patch+json', all[2] ?? ''] : all;
}

/** Maps a PATCH Content-Type to its patch type, 415 when the resource does not take it. */
export function patchTypeOf(rt: ResourceType, contentType: string | undefined): PatchType {
  const bare = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const type = contentTypes[bare];
  if (type === undefined || (type === 'strategic' && !rt.builtIn)) {
    throw unsupportedMediaType(acceptedPatchTypes(rt));
  }
  return type;
}

/** Applies a non-apply patch to the live object. */
export function applyPatch(
  rt: ResourceType,
  type: Exclude<PatchType, 'apply'>,
  live: StoredObject,
  patch: unknown,
): unknown {
  try {
    if (type === 'json') return applyJsonPatch(live, patch);
    if (type === 'merge') return applyMergePatch(live, patch);
    if (!rt.builtIn) throw unsupportedMediaType(acceptedPatchTypes(rt));
    return applyStrategicMergePatch(live, patch);
  } catch (err) {
    if (err instanceof JsonPatchError) throw new KubeApiError(422, 'Invalid', err.message);
    throw err;
  }
}
