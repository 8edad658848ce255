/** Small builders for the OpenAPI schemas of the served kinds, plus the shared ObjectMeta schema. */

import type { PrinterColumn, Schema } from '../resource-type.ts';
import type { StoredObject } from '../stored-object.ts';

/** A string field. */
export const str = (description = ''): Schema => ({ type: 'string', description });
/** A boolean field. */
export const bool = (description = ''): Schema => ({ type: 'boolean', description });
/** An integer field (int32 unless told). */
export const int = (description = '', format = 'int32'): Schema => ({ type: 'integer', format, description });
/** An RFC 3339 timestamp. */
export const time = (description = ''): Schema => ({ type: 'string', format: 'date-time', description });
/** A map of strings. */
export const stringMap = (description = ''): Schema => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});
/** An object whose content the emulator does not model (kept as sent). */
export const opaque = (description = ''): Schema => ({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  description,
});
/** An array of items. */
export const list = (items: Schema, description = ''): Schema => ({ type: 'array', items, description });
/** An object with known properties. */
export function obj(properties: Record<string, Schema>, required?: string[], description = ''): Schema {
  const schema: Schema = { type: 'object', properties, description };
  if (required !== undefined) schema.required = required;
  return schema;
}

/** The ObjectMeta schema (io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta), fields that matter. */
export const objectMetaSchema: Schema = obj(
  {
    name: str('Name must be unique within a namespace.'),
    generateName: str('Optional prefix used by the server to generate a unique name.'),
    namespace: str('Namespace defines the space within which each name must be unique.'),
    uid: str('UID is the unique in time and space value for this object.'),
    resourceVersion: str('An opaque value that represents the internal version of this object.'),
    generation: int('A sequence number representing a specific generation of the desired state.', 'int64'),
    creationTimestamp: time('The time this object was created.'),
    deletionTimestamp: time('The time after which this resource will be deleted.'),
    deletionGracePeriodSeconds: int('Seconds allowed for graceful termination.', 'int64'),
    labels: stringMap('Map of string keys and values used to organize and categorize objects.'),
    annotations: stringMap('Unstructured key value map stored with a resource.'),
    finalizers: list(str(), 'Must be empty before the object is deleted from the registry.'),
    ownerReferences: list(opaque(), 'Objects depended by this object.'),
    managedFields: list(opaque(), 'Maps workflow-id and version to the set of fields managed.'),
  },
  undefined,
  'Standard object metadata.',
);

/** Wraps a kind's own properties with apiVersion, kind and metadata. */
export function topLevel(
  description: string,
  properties: Record<string, Schema>,
  required?: string[],
): Schema {
  return obj(
    {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      metadata: objectMetaSchema,
      ...properties,
    },
    required,
    description,
  );
}

/** The human age of an object, as `kubectl get` prints it ("12s", "5m", "3h", "2d"). */
export function age(obj: StoredObject, now = Date.now()): string {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '');
  if (Number.isNaN(created)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

/** The NAME column every kind starts with. */
export const nameColumn: PrinterColumn = {
  name: 'Name',
  type: 'string',
  description: 'Name must be unique within a namespace.',
  cell: (o) => o.metadata.name ?? '',
};

/** The AGE column every kind ends with. */
export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o) => age(o),
};
