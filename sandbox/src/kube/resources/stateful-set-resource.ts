/**
 * apps/v1 StatefulSet as the real API server validates and defaults it: kubernetes
 * pkg/apis/apps/validation/validation.go (ValidateStatefulSetSpec, ValidateStatefulSetUpdate) and
 * pkg/apis/apps/v1/defaults.go (SetDefaults_StatefulSet). Simplified: no controller runs it, so its
 * status stays empty, and the pod template is kept as sent (as the emulator's Deployment keeps it).
 */
import type { FieldError, ResourceType } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import { ageColumn, int, list, nameColumn, obj, opaque, str, stringMap, topLevel } from './schema-helpers.ts';

/** Spec fields an update may change; any other change is forbidden (ValidateStatefulSetUpdate). */
const mutable = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function defaultStatefulSet(o: StoredObject): void {
  const spec = isRecord(o.spec) ? o.spec : {};
  o.spec = spec;
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= { type: 'RollingUpdate' };
  const strategy = spec.updateStrategy;
  if (isRecord(strategy) && strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate = {
      partition: 0,
      ...(isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {}),
    };
  }
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
}

function enumError(field: string, value: unknown, allowed: string[]): FieldError[] {
  return allowed.includes(String(value))
    ? []
    : [
        {
          type: 'FieldValueNotSupported',
          field,
          message: `Unsupported value: "${String(value)}": supported values: "${allowed.join('", "')}"`,
        },
      ];
}

function selectorErrors(o: StoredObject): FieldError[] {
  const matchLabels = getPath(o, ['spec', 'selector', 'matchLabels']);
  if (!isRecord(matchLabels) || Object.keys(matchLabels).length === 0) {
    return [
      {
        type: 'FieldValueInvalid',
        field: 'spec.selector',
        message: 'Invalid value: "null": empty selector is invalid for statefulset',
      },
    ];
  }
  const labels = getPath(o, ['spec', 'template', 'metadata', 'labels']);
  const ok = isRecord(labels) && Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
  return ok
    ? []
    : [
        {
          type: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: 'Invalid value: `selector` does not match template `labels`',
        },
      ];
}

function validateStatefulSet(o: StoredObject, old: StoredObject | undefined): FieldError[] {
  const errors = [
    ...enumError('spec.podManagementPolicy', getPath(o, ['spec', 'podManagementPolicy']), [
      'OrderedReady',
      'Parallel',
    ]),
    ...enumError('spec.updateStrategy.type', getPath(o, ['spec', 'updateStrategy', 'type']), [
      'RollingUpdate',
      'OnDelete',
    ]),
    ...selectorErrors(o),
  ];
  const replicas = getPath(o, ['spec', 'replicas']);
  if (typeof replicas === 'number' && replicas < 0)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
    });
  const restart = getPath(o, ['spec', 'template', 'spec', 'restartPolicy']);
  if (restart !== undefined && restart !== 'Always')
    errors.push(...enumError('spec.template.spec.restartPolicy', restart, ['Always']));
  if (old !== undefined && isRecord(o.spec) && isRecord(old.spec)) {
    const fixed = (spec: Record<string, unknown>) =>
      JSON.stringify(
        Object.entries(spec)
          .filter(([k]) => !mutable.includes(k))
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    if (fixed(o.spec) !== fixed(old.spec))
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec',
        message:
          "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      });
  }
  return errors;
}

/** apps/v1 StatefulSet. */
export const statefulSetType: ResourceType = {
  group: 'apps',
  version: 'v1',
  builtIn: true,
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  schemaName: 'io.k8s.api.apps.v1.StatefulSet',
  schema: topLevel('StatefulSet represents a set of pods with consistent identities.', {
    spec: obj(
      {
        replicas: int('The desired number of replicas.'),
        selector: obj({ matchLabels: stringMap(), matchExpressions: list(opaque()) }),
        template: opaque('The object that describes the pod that will be created.'),
        volumeClaimTemplates: list(opaque(), 'Claims that pods are allowed to reference.'),
        serviceName: str('The name of the service that governs this StatefulSet.'),
        podManagementPolicy: str('OrderedReady or Parallel.'),
        updateStrategy: opaque('How pods are replaced when the template changes.'),
        revisionHistoryLimit: int(),
        minReadySeconds: int(),
        persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str(), whenScaled: str() }),
        ordinals: obj({ start: int() }),
      },
      ['selector', 'template'],
    ),
    status: obj({
      observedGeneration: int('', 'int64'),
      replicas: int(),
      readyReplicas: int(),
      currentReplicas: int(),
      updatedReplicas: int(),
      availableReplicas: int(),
      currentRevision: str(),
      updateRevision: str(),
      collisionCount: int(),
      conditions: list(opaque()),
    }),
  }),
  // As kubernetes pkg/printers/internalversion statefulSetColumnDefinitions.
  columns: [
    nameColumn,
    {
      name: 'Ready',
      type: 'string',
      description: 'Number of the pod with ready state.',
      cell: (o) =>
        `${String(getPath(o, ['status', 'readyReplicas']) ?? 0)}/${String(getPath(o, ['spec', 'replicas']) ?? 0)}`,
    },
    ageColumn,
  ],
  defaults: defaultStatefulSet,
  validate: validateStatefulSet,
};
