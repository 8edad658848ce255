/**
 * What every consul-k8s CRD (consul.hashicorp.com/v1alpha1) shares in the chart's
 * charts/consul/templates/crd-*.yaml: group and version, namespaced, the status subresource with
 * the Synced condition and lastSyncedTime, and the Synced / Last Synced / Age printer columns.
 */
import type { PrinterColumn, Schema } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import { age, ageColumn, list, nameColumn, obj, str, time } from './schema-helpers.ts';

const condition: Schema = obj(
  {
    type: str('Type of condition.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    reason: str('The reason for the condition last transition.'),
    message: str('A human readable message indicating details about the transition.'),
    lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
  },
  ['status', 'type'],
);

/** The status properties of every config-entry CRD. */
export const syncStatus = {
  conditions: list(condition, 'Conditions indicate the latest available observations of a resource.'),
  lastSyncedTime: time('LastSyncedTime is the last time the resource successfully synced with Consul.'),
};

function condition_(o: StoredObject): Record<string, unknown> | undefined {
  const conditions = getPath(o, ['status', 'conditions']);
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === 'Synced');
}

const syncColumns: PrinterColumn[] = [
  nameColumn,
  {
    name: 'Synced',
    type: 'string',
    description: 'The sync status of the resource with Consul',
    cell: (o) => (condition_(o)?.status as string | undefined) ?? null,
  },
  {
    name: 'Last Synced',
    type: 'date',
    description: 'The last successful synced time of the resource with Consul',
    cell: (o) => {
      const t = getPath(o, ['status', 'lastSyncedTime']);
      return typeof t === 'string' ? age({ metadata: { creationTimestamp: t } }) : null;
    },
  },
  { ...ageColumn, type: 'date', description: 'The age of the resource' },
];

/** The resource-type fields every consul-k8s CRD shares. */
export const consulCrd = {
  group: 'consul.hashicorp.com',
  version: 'v1alpha1',
  namespaced: true,
  builtIn: false,
  hasStatus: true,
  tracksGeneration: true,
  categories: ['consul'],
  columns: syncColumns,
} as const;
