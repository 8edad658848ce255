/**
 * The consul-k8s validating webhooks, run in-process: the checks its PeeringAcceptor, PeeringDialer,
 * Mesh, ProxyDefaults and ExportedServices webhooks make, refused with the code and message shape the
 * API server returns for a webhook denial (400, `admission webhook "..." denied the request: ...`).
 */
import { getPath, isRecord, type KubeObject } from '../kube-object.ts';
import type { ObjectStore } from '../object-store.ts';
import { type FieldError, qualifiedKind, type ResourceType } from '../resource-type.ts';
import { type KubeApiError, webhookDenied } from '../status-error.ts';

const group = 'consul.hashicorp.com';

function invalidText(rt: ResourceType, name: string, errors: FieldError[]): string {
  const text = errors.map((e) => `${e.field}: ${e.message}`);
  return `${qualifiedKind(rt)} "${name}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`;
}

function peeringErrors(obj: KubeObject): FieldError[] {
  const secret = getPath(obj, ['spec', 'peer', 'secret']);
  if (!isRecord(getPath(obj, ['spec', 'peer']))) {
    return [{ type: 'FieldValueRequired', field: 'spec.peer', message: 'Required value' }];
  }
  if (!isRecord(secret))
    return [{ type: 'FieldValueRequired', field: 'spec.peer.secret', message: 'Required value' }];
  if (secret.backend !== 'kubernetes') {
    return [
      {
        type: 'FieldValueInvalid',
        field: 'spec.peer.secret.backend',
        message: `Invalid value: "${String(secret.backend ?? '')}": backend must be "kubernetes"`,
      },
    ];
  }
  return [];
}

function checkPeering(
  rt: ResourceType,
  obj: KubeObject,
  creating: boolean,
  store: ObjectStore,
): string | undefined {
  const name = obj.metadata.name ?? '';
  const errors = peeringErrors(obj);
  if (errors.length > 0) return invalidText(rt, name, errors);
  if (!creating) return undefined;
  const secretName = getPath(obj, ['spec', 'peer', 'secret', 'name']);
  const clash = store
    .list(rt, obj.metadata.namespace)
    .some((other) => getPath(other, ['spec', 'peer', 'secret', 'name']) === secretName);
  return clash
    ? `an existing ${rt.kind} resource has the same secret name \`name: ${String(secretName)}, namespace: ${obj.metadata.namespace}\``
    : undefined;
}

function checkSingleton(
  rt: ResourceType,
  obj: KubeObject,
  creating: boolean,
  store: ObjectStore,
  required: string,
  entry: string,
): string | undefined {
  if (!creating) return undefined;
  const kubeKind = rt.kind.toLowerCase();
  if (obj.metadata.name !== required) return `${kubeKind} resource name must be "${required}"`;
  if (store.list(rt).length > 0)
    return `${kubeKind} resource already defined - only one ${entry} entry is supported`;
  return undefined;
}

const meshGatewayModes = ['remote', 'local', 'none', ''];
const proxyModes = ['', 'direct', 'transparent'];

function proxyDefaultsErrors(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const mode = getPath(obj, ['spec', 'meshGateway', 'mode']);
  if (mode !== undefined && !meshGatewayModes.includes(String(mode))) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.meshGateway.mode',
      message: `Invalid value: "${String(mode)}": must be one of "remote", "local", "none", ""`,
    });
  }
  const proxyMode = getPath(obj, ['spec', 'mode']);
  if (proxyMode !== undefined && !proxyModes.includes(String(proxyMode))) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.mode',
      message: `Invalid value: "${String(proxyMode)}": must be one of "transparent" or "direct"`,
    });
  }
  return errors;
}

function consumerErrors(consumer: unknown, field: string): FieldError[] {
  const c = isRecord(consumer) ? consumer : {};
  const set = ['peer', 'partition', 'samenessGroup'].filter((k) => typeof c[k] === 'string' && c[k] !== '');
  if (set.length !== 1) {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        message:
          'Invalid value: service consumer must define exactly one of Peer, Partition, or SamenessGroup',
      },
    ];
  }
  const key = set[0] ?? 'peer';
  if (c[key] === '*') {
    return [
      {
        type: 'FieldValueInvalid',
        field: `${field}.${key}`,
        message: `Invalid value: "*": exporting to all ${key}s (wildcard) is not supported`,
      },
    ];
  }
  return [];
}

function exportedServicesErrors(obj: KubeObject): FieldError[] {
  const services = getPath(obj, ['spec', 'services']);
  if (!Array.isArray(services) || services.length === 0) {
    return [
      {
        type: 'FieldValueInvalid',
        field: 'spec.services',
        message: 'Invalid value: []: at least one service must be exported',
      },
    ];
  }
  const errors: FieldError[] = [];
  for (const [i, svc] of services.entries()) {
    const consumers = isRecord(svc) ? svc.consumers : undefined;
    if (!Array.isArray(consumers) || consumers.length === 0) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `spec.services[${i}]`,
        message: 'Invalid value: service must have at least 1 consumer.',
      });
      continue;
    }
    for (const [j, c] of consumers.entries())
      errors.push(...consumerErrors(c, `spec.services[${i}].consumers[${j}]`));
  }
  return errors;
}

function uniqueAcrossNamespaces(
  rt: ResourceType,
  obj: KubeObject,
  creating: boolean,
  store: ObjectStore,
): string | undefined {
  if (!creating) return undefined;
  const clash = store.list(rt).some((o) => o.metadata.name === obj.metadata.name);
  const kubeKind = rt.kind.toLowerCase();
  return clash
    ? `${kubeKind} resource with name "${obj.metadata.name}" is already defined – all ${kubeKind} resources must have unique names across namespaces`
    : undefined;
}

function denial(
  rt: ResourceType,
  obj: KubeObject,
  creating: boolean,
  store: ObjectStore,
  partitions: readonly string[],
): string | undefined {
  const name = obj.metadata.name ?? '';
  switch (rt.kind) {
    case 'PeeringAcceptor':
    case 'PeeringDialer':
      return checkPeering(rt, obj, creating, store);
    case 'Mesh':
      return checkSingleton(rt, obj, creating, store, 'mesh', 'mesh');
    case 'ProxyDefaults': {
      const singleton = checkSingleton(rt, obj, creating, store, 'global', 'global');
      const errors = proxyDefaultsErrors(obj);
      return singleton ?? (errors.length > 0 ? invalidText(rt, name, errors) : undefined);
    }
    case 'ExportedServices': {
      // consul-k8s requires the name of the partition it serves; a sandbox cluster may serve several.
      if (creating && !partitions.includes(name))
        return `exportedservices resource name must be the same name as the partition, ${partitions.map((p) => `"${p}"`).join(' or ')}`;
      const errors = exportedServicesErrors(obj);
      return errors.length > 0
        ? invalidText(rt, name, errors)
        : uniqueAcrossNamespaces(rt, obj, creating, store);
    }
    default:
      return undefined;
  }
}

/** Runs the consul-k8s webhook for `obj`, returning the denial error or undefined when admitted. */
export function admitConsulResource(
  rt: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  store: ObjectStore,
  partitions: readonly string[] = ['default'],
): KubeApiError | undefined {
  if (rt.group !== group) return undefined;
  const message = denial(rt, obj, old === undefined, store, partitions);
  if (message === undefined) return undefined;
  return webhookDenied(`mutate-${rt.plural === 'meshes' ? 'mesh' : rt.plural}.${group}`, message);
}
