/** core/v1 Namespace, Secret, ConfigMap and Event as the emulator serves them. */

import type { FieldError, ResourceType } from '../resource-type.ts';
import { isRecord, type StoredObject } from '../stored-object.ts';
import {
  ageColumn,
  bool,
  list,
  nameColumn,
  obj,
  opaque,
  str,
  stringMap,
  topLevel,
} from './schema-helpers.ts';

const core = { group: '', version: 'v1', builtIn: true } as const;

/** core/v1 Namespace: cluster-scoped, always Active unless being deleted. */
export const namespaceType: ResourceType = {
  ...core,
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  hasStatus: true,
  tracksGeneration: false,
  nameRule: 'label',
  schemaName: 'io.k8s.api.core.v1.Namespace',
  schema: topLevel('Namespace provides a scope for Names.', {
    spec: obj({ finalizers: list(str()) }),
    status: obj({ phase: str('Active or Terminating.'), conditions: list(opaque()) }),
  }),
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', description: 'The phase.', cell: (o) => phaseOf(o) },
    ageColumn,
  ],
  defaults: (o) => {
    o.spec = { finalizers: ['kubernetes'], ...(isRecord(o.spec) ? o.spec : {}) };
    const status = isRecord(o.status) ? o.status : {};
    o.status = { ...status, phase: o.metadata.deletionTimestamp === undefined ? 'Active' : 'Terminating' };
  },
};

function phaseOf(o: StoredObject): string {
  return isRecord(o.status) && typeof o.status.phase === 'string' ? o.status.phase : 'Active';
}

const secretKey = /^[-._a-zA-Z0-9]+$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validateDataKeys(o: StoredObject, field: string, checkBase64: boolean): FieldError[] {
  const data = o[field];
  if (!isRecord(data)) return [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!secretKey.test(key)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    } else if (checkBase64 && (typeof value !== 'string' || !base64.test(value))) {
      // The value is never echoed: it may be a secret.
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        message: 'Invalid value: illegal base64 data',
      });
    }
  }
  return errors;
}

function immutableErrors(o: StoredObject, old: StoredObject | undefined, fields: string[]): FieldError[] {
  if (old?.immutable !== true) return [];
  const changed = fields.some((f) => JSON.stringify(o[f] ?? null) !== JSON.stringify(old[f] ?? null));
  return changed
    ? [
        {
          type: 'FieldValueForbidden',
          field: 'data',
          message: 'Forbidden: field is immutable when `immutable` is set',
        },
      ]
    : [];
}

/** core/v1 Secret: stringData folds into base64 data, type defaults to Opaque. */
export const secretType: ResourceType = {
  ...core,
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  shortNames: [],
  hasStatus: false,
  tracksGeneration: false,
  schemaName: 'io.k8s.api.core.v1.Secret',
  schema: topLevel('Secret holds secret data of a certain type.', {
    data: {
      ...stringMap('Base64 encoded secret data.'),
      additionalProperties: { type: 'string', format: 'byte' },
    },
    stringData: stringMap('Write-only convenience field, merged into data.'),
    type: str('Used to facilitate programmatic handling of secret data.'),
    immutable: bool('If set to true, data cannot be updated.'),
  }),
  columns: [
    nameColumn,
    { name: 'Type', type: 'string', description: 'The secret type.', cell: (o) => String(o.type ?? '') },
    { name: 'Data', type: 'integer', description: 'Number of keys.', cell: (o) => countKeys(o.data) },
    ageColumn,
  ],
  defaults: (o) => {
    if (isRecord(o.stringData)) {
      const data = isRecord(o.data) ? { ...o.data } : {};
      for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
      o.data = data;
    }
    delete o.stringData;
    if (typeof o.type !== 'string' || o.type === '') o.type = 'Opaque';
  },
  validate: (o, old) => {
    const errors = [...validateDataKeys(o, 'data', true), ...immutableErrors(o, old, ['data'])];
    if (old !== undefined && old.type !== o.type) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'type',
        message: `Invalid value: "${String(o.type)}": field is immutable`,
      });
    }
    return errors;
  },
};

function countKeys(value: unknown): number {
  return isRecord(value) ? Object.keys(value).length : 0;
}

/** core/v1 ConfigMap. */
export const configMapType: ResourceType = {
  ...core,
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  hasStatus: false,
  tracksGeneration: false,
  schemaName: 'io.k8s.api.core.v1.ConfigMap',
  schema: topLevel('ConfigMap holds configuration data for pods to consume.', {
    data: stringMap('Configuration data.'),
    binaryData: { ...stringMap('Binary data.'), additionalProperties: { type: 'string', format: 'byte' } },
    immutable: bool('If set to true, data cannot be updated.'),
  }),
  columns: [
    nameColumn,
    {
      name: 'Data',
      type: 'integer',
      description: 'Number of keys.',
      cell: (o) => countKeys(o.data) + countKeys(o.binaryData),
    },
    ageColumn,
  ],
  validate: (o, old) => [
    ...validateDataKeys(o, 'data', false),
    ...validateDataKeys(o, 'binaryData', true),
    ...immutableErrors(o, old, ['data', 'binaryData']),
  ],
};

/** core/v1 Event: only so `kubectl describe` can list (no) events. */
export const eventType: ResourceType = {
  ...core,
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  hasStatus: false,
  tracksGeneration: false,
  schemaName: 'io.k8s.api.core.v1.Event',
  schema: {
    ...topLevel('Event is a report of an event somewhere in the cluster.', {}),
    'x-kubernetes-preserve-unknown-fields': true,
  },
  columns: [nameColumn, ageColumn],
};
