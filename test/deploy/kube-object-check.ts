/**
 * Checks rendered objects against the Kubernetes schemas two ways: kubernetes-models' validators
 * (the upstream OpenAPI schemas: types, required fields, enums, formats), and a walk over
 * @kubernetes/client-node's generated attribute maps that refuses fields the API does not define,
 * which the upstream JSON schemas allow (no additionalProperties: false) and a real server drops.
 */
import * as k8s from '@kubernetes/client-node';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { RenderedObject } from '../support/helm-render.ts';

interface Validating {
  validate(): void;
}

const models: Record<string, new (data: never) => Validating> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}
type ModelClass = { getAttributeTypeMap(): Attribute[] };

const classes = k8s as unknown as Record<string, ModelClass | undefined>;

function modelClass(type: string): ModelClass | undefined {
  const found = classes[type];
  return typeof found?.getAttributeTypeMap === 'function' ? found : undefined;
}

/** client-node's class name of a built-in kind: V1Deployment, V2HorizontalPodAutoscaler, ... */
function typeName(object: RenderedObject): string {
  const version = object.apiVersion.split('/').at(-1) ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
}

function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1] !== undefined) {
    const itemType = array[1];
    if (Array.isArray(value))
      for (const [i, item] of value.entries()) unknownFields(item, itemType, `${path}[${i}]`, out);
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) {
    if (typeof value === 'object')
      for (const [k, v] of Object.entries(value)) unknownFields(v, map[1], `${path}.${k}`, out);
    return;
  }
  const model = modelClass(type);
  if (model === undefined || typeof value !== 'object' || Array.isArray(value)) return;
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childType = attributes.get(key);
    if (childType === undefined) out.push(`${path}.${key}`);
    else unknownFields(child, childType, `${path}.${key}`, out);
  }
}

/** Every problem of one object: no schema known, schema errors, fields the API does not define. */
export function objectProblems(object: RenderedObject): string[] {
  const where = `${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  const Model = models[`${object.apiVersion}/${object.kind}`];
  if (Model === undefined) return [`${where}: no schema known for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  try {
    new Model(structuredClone(object) as never).validate();
  } catch (err) {
    problems.push(`${where}: ${(err as Error).message}`);
  }
  // Custom resources (ServiceMonitor) have no client-node class: their schema check above is all.
  if (modelClass(typeName(object)) !== undefined) {
    const extra: string[] = [];
    unknownFields(object, typeName(object), '', extra);
    for (const field of extra) problems.push(`${where}: unknown field "${field.slice(1)}"`);
  }
  return problems;
}
