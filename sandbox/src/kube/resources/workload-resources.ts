/** apps/v1 Deployment as the emulator serves it. */

import type { FieldError, ResourceType } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import {
  ageColumn,
  bool,
  int,
  list,
  nameColumn,
  obj,
  opaque,
  stringMap,
  topLevel,
} from './schema-helpers.ts';

function defaultDeployment(o: StoredObject): void {
  const spec = isRecord(o.spec) ? o.spec : {};
  o.spec = spec;
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
}

function validateDeployment(o: StoredObject): FieldError[] {
  const errors: FieldError[] = [];
  const matchLabels = getPath(o, ['spec', 'selector', 'matchLabels']);
  const labels = getPath(o, ['spec', 'template', 'metadata', 'labels']);
  if (!isRecord(getPath(o, ['spec', 'selector']))) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
  } else if (isRecord(matchLabels)) {
    const ok = isRecord(labels) && Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
    if (!ok) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.template.metadata.labels',
        message: 'Invalid value: `selector` does not match template `labels`',
      });
    }
  }
  const replicas = getPath(o, ['spec', 'replicas']);
  if (typeof replicas === 'number' && replicas < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
    });
  }
  return errors;
}

const statusNumber = (o: StoredObject, field: string): number => {
  const v = getPath(o, ['status', field]);
  return typeof v === 'number' ? v : 0;
};

/** apps/v1 Deployment: a simulated controller reports its replicas ready. */
export const deploymentType: ResourceType = {
  group: 'apps',
  version: 'v1',
  builtIn: true,
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  schemaName: 'io.k8s.api.apps.v1.Deployment',
  schema: topLevel('Deployment enables declarative updates for Pods and ReplicaSets.', {
    spec: obj({
      replicas: int('Number of desired pods.'),
      selector: obj({ matchLabels: stringMap(), matchExpressions: list(opaque()) }),
      template: opaque('Template describes the pods that will be created.'),
      strategy: opaque(),
      minReadySeconds: int(),
      revisionHistoryLimit: int(),
      progressDeadlineSeconds: int(),
      paused: bool(),
    }),
    status: obj({
      observedGeneration: int('', 'int64'),
      replicas: int(),
      updatedReplicas: int(),
      readyReplicas: int(),
      availableReplicas: int(),
      unavailableReplicas: int(),
      collisionCount: int(),
      conditions: list(opaque()),
    }),
  }),
  columns: [
    nameColumn,
    {
      name: 'Ready',
      type: 'string',
      description: 'Ready replicas.',
      cell: (o) => `${statusNumber(o, 'readyReplicas')}/${String(getPath(o, ['spec', 'replicas']) ?? 0)}`,
    },
    {
      name: 'Up-to-date',
      type: 'integer',
      description: 'Updated replicas.',
      cell: (o) => statusNumber(o, 'updatedReplicas'),
    },
    {
      name: 'Available',
      type: 'integer',
      description: 'Available replicas.',
      cell: (o) => statusNumber(o, 'availableReplicas'),
    },
    ageColumn,
  ],
  defaults: defaultDeployment,
  validate: validateDeployment,
};
