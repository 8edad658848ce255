/**
 * autoscaling/v2 HorizontalPodAutoscaler as the real API server defaults and validates it:
 * kubernetes pkg/apis/autoscaling/v2/defaults.go (minReplicas 1, CPU at 80% when no metric is
 * given, behavior filled in when present) and pkg/apis/autoscaling/validation/validation.go
 * (replica bounds, the scale target, metric sources). Simplified: no controller scales anything,
 * so status stays empty; only Resource metrics are checked in depth.
 */
import type { FieldError, ResourceType } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import { ageColumn, int, list, nameColumn, obj, opaque, str, topLevel } from './schema-helpers.ts';

const metricTypes = ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'];
const targetTypes = ['Utilization', 'Value', 'AverageValue'];

const scaleUp = () => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
const scaleDown = () => ({
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
});

function defaultAutoscaler(o: StoredObject): void {
  const spec = isRecord(o.spec) ? o.spec : {};
  o.spec = spec;
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ];
  }
  // SetDefaults_HorizontalPodAutoscalerBehavior: only a behavior that is present gets its rules completed.
  if (isRecord(spec.behavior)) {
    const b = spec.behavior;
    b.scaleUp = { ...scaleUp(), ...(isRecord(b.scaleUp) ? b.scaleUp : {}) };
    b.scaleDown = { ...scaleDown(), ...(isRecord(b.scaleDown) ? b.scaleDown : {}) };
  }
}

const invalid = (field: string, value: unknown, message: string): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
});
const required = (field: string): FieldError => ({
  type: 'FieldValueRequired',
  field,
  message: 'Required value',
});
const unsupported = (field: string, value: unknown, allowed: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  message: `Unsupported value: "${String(value ?? '')}": supported values: "${allowed.join('", "')}"`,
});

function metricErrors(metric: Record<string, unknown>, field: string): FieldError[] {
  if (!metricTypes.includes(String(metric.type)))
    return [unsupported(`${field}.type`, metric.type, metricTypes)];
  if (metric.type !== 'Resource') return [];
  const resource = isRecord(metric.resource) ? metric.resource : undefined;
  if (resource === undefined) return [required(`${field}.resource`)];
  const errors: FieldError[] = [];
  if (typeof resource.name !== 'string' || resource.name === '')
    errors.push(required(`${field}.resource.name`));
  const target = isRecord(resource.target) ? resource.target : {};
  if (!targetTypes.includes(String(target.type)))
    errors.push(unsupported(`${field}.resource.target.type`, target.type, targetTypes));
  const utilization = target.averageUtilization;
  if (target.type === 'Utilization' && (typeof utilization !== 'number' || utilization < 1))
    errors.push(
      invalid(`${field}.resource.target.averageUtilization`, utilization ?? null, 'must be greater than 0'),
    );
  return errors;
}

function validateAutoscaler(o: StoredObject): FieldError[] {
  const errors: FieldError[] = [];
  const min = getPath(o, ['spec', 'minReplicas']);
  const max = getPath(o, ['spec', 'maxReplicas']);
  if (typeof min === 'number' && min < 1)
    errors.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max === 'number' && max < 1)
    errors.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && typeof max === 'number' && max < min)
    errors.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  for (const part of ['kind', 'name']) {
    const value = getPath(o, ['spec', 'scaleTargetRef', part]);
    if (typeof value !== 'string' || value === '') errors.push(required(`spec.scaleTargetRef.${part}`));
  }
  const metrics = getPath(o, ['spec', 'metrics']);
  (Array.isArray(metrics) ? metrics : []).forEach((m, i) => {
    if (isRecord(m)) errors.push(...metricErrors(m, `spec.metrics[${i}]`));
  });
  return errors;
}

const cell = (o: StoredObject, ...path: string[]) => String(getPath(o, path) ?? '<unset>');

/** autoscaling/v2 HorizontalPodAutoscaler. */
export const horizontalPodAutoscalerType: ResourceType = {
  group: 'autoscaling',
  version: 'v2',
  builtIn: true,
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: false,
  schemaName: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  schema: topLevel(
    'HorizontalPodAutoscaler automatically manages the replica count of a scalable resource.',
    {
      spec: obj(
        {
          scaleTargetRef: obj({ apiVersion: str(), kind: str(), name: str() }, ['kind', 'name']),
          minReplicas: int('The lower limit for the number of replicas.'),
          maxReplicas: int('The upper limit for the number of replicas.'),
          metrics: list(
            opaque(),
            'The specifications for which to use to calculate the desired replica count.',
          ),
          behavior: opaque('The scaling behavior of the target in both Up and Down directions.'),
        },
        ['scaleTargetRef', 'maxReplicas'],
      ),
      status: opaque(),
    },
  ),
  // As kubernetes pkg/printers/internalversion horizontalPodAutoscalerColumnDefinitions.
  columns: [
    nameColumn,
    {
      name: 'Reference',
      type: 'string',
      description: 'The scale target.',
      cell: (o) =>
        `${cell(o, 'spec', 'scaleTargetRef', 'kind')}/${cell(o, 'spec', 'scaleTargetRef', 'name')}`,
    },
    { name: 'Targets', type: 'string', description: 'Current and target values.', cell: () => '<unknown>' },
    {
      name: 'MinPods',
      type: 'string',
      description: 'Lower replica limit.',
      cell: (o) => cell(o, 'spec', 'minReplicas'),
    },
    {
      name: 'MaxPods',
      type: 'integer',
      description: 'Upper replica limit.',
      cell: (o) => Number(getPath(o, ['spec', 'maxReplicas']) ?? 0),
    },
    {
      name: 'Replicas',
      type: 'integer',
      description: 'Current replicas.',
      cell: (o) => Number(getPath(o, ['status', 'currentReplicas']) ?? 0),
    },
    ageColumn,
  ],
  defaults: defaultAutoscaler,
  validate: validateAutoscaler,
};
