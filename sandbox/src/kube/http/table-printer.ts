/** Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for with `as=Table`. */

import type { ResourceType } from '../resource-type.ts';
import type { StoredObject } from '../stored-object.ts';

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return accept?.includes('as=Table') === true;
}

function partialMetadata(obj: StoredObject): Record<string, unknown> {
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

/** Renders objects as a Table; `includeObject` follows the real parameter (Metadata by default). */
export function toTable(
  rt: ResourceType,
  items: readonly StoredObject[],
  resourceVersion: string,
  includeObject: string | null,
): Record<string, unknown> {
  const columnDefinitions = rt.columns.map((c, i) => ({
    name: c.name,
    type: c.type === 'date' ? 'string' : c.type,
    format: i === 0 ? 'name' : '',
    description: c.description,
    priority: c.priority ?? 0,
  }));
  const rows = items.map((obj) => {
    const row: Record<string, unknown> = { cells: rt.columns.map((c) => c.cell(obj) ?? '') };
    if (includeObject === 'Object') row.object = obj;
    else if (includeObject !== 'None') row.object = partialMetadata(obj);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions,
    rows,
  };
}
