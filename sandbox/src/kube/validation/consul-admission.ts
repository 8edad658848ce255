/**
 * The consul-k8s admission webhooks, run in-process: the checks of control-plane/api/v1alpha1
 * peeringacceptor_webhook.go, peeringdialer_webhook.go, mesh_webhook.go, proxydefaults_webhook.go
 * and exportedservices_webhook.go, plus the traffic kinds' serviceintentions_webhook.go,
 * serviceresolver_webhook.go and samenessgroup_webhook.go, in their order, denied as the API server reports a webhook's
 * `admission.Errored(400, err)`: code 400, no reason, `admission webhook "NAME" denied the request:
 * ...`, with the webhook names of the chart's MutatingWebhookConfiguration.
 */

import type { ObjectStore } from '../object-store.ts';
import type { ResourceType } from '../resource-type.ts';
import { type KubeApiError, webhookDenied } from '../status-error.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import { meshDenial, proxyDefaultsDenial } from './config-entry-checks.ts';
import { type ConsulInstall, consulInstall } from './consul-install.ts';
import { exportedServicesDenial } from './exported-services-check.ts';
import { invalidField, invalidText } from './field-error-text.ts';
import { serviceIntentionsDenial } from './service-intentions-check.ts';
import { samenessGroupDenial, serviceResolverDenial } from './traffic-config-checks.ts';

const group = 'consul.hashicorp.com';

/** PeeringAcceptor/PeeringDialer Validate: peer and secret present, backend kubernetes. */
function peeringValidateDenial(rt: ResourceType, obj: StoredObject): string | undefined {
  const peer = getPath(obj, ['spec', 'peer']);
  const secret = getPath(obj, ['spec', 'peer', 'secret']);
  const name = obj.metadata.name ?? '';
  // The nil checks return at once, as the Go code does.
  if (!isRecord(peer))
    return invalidText(rt.plural, group, name, [invalidField('spec.peer', null, 'peer must be specified')]);
  if (!isRecord(secret)) {
    return invalidText(rt.plural, group, name, [
      invalidField('spec.peer.secret', null, 'secret must be specified'),
    ]);
  }
  if (secret.backend === 'kubernetes') return undefined;
  return invalidText(rt.plural, group, name, [
    invalidField('spec.peer.secret.backend', String(secret.backend ?? ''), 'backend must be "kubernetes"'),
  ]);
}

function peeringDenial(rt: ResourceType, obj: StoredObject, creating: boolean, store: ObjectStore) {
  const invalid = peeringValidateDenial(rt, obj);
  if (invalid !== undefined || !creating) return invalid;
  const secretName = getPath(obj, ['spec', 'peer', 'secret', 'name']);
  const clash = store
    .list(rt)
    .some(
      (other) =>
        other.metadata.namespace === obj.metadata.namespace &&
        getPath(other, ['spec', 'peer', 'secret', 'name']) === secretName,
    );
  return clash
    ? `an existing ${rt.kind} resource has the same secret name \`name: ${String(secretName ?? '')}, namespace: ${obj.metadata.namespace}\``
    : undefined;
}

/** Mesh and ProxyDefaults: on create, the one allowed name and one per cluster, in any namespace. */
function singletonDenial(
  rt: ResourceType,
  obj: StoredObject,
  store: ObjectStore,
  kubeKind: string,
  required: string,
): string | undefined {
  if (obj.metadata.name !== required) return `${kubeKind} resource name must be "${required}"`;
  return store.list(rt).length > 0
    ? `${kubeKind} resource already defined - only one ${required} entry is supported`
    : undefined;
}

/** One per Kubernetes cluster, in any namespace: one install serves one partition. */
function exportsSingletonDenial(rt: ResourceType, store: ObjectStore) {
  return store.list(rt).length > 0
    ? 'exportedservices resource already defined - only one exportedservices entry is supported per Kubernetes cluster'
    : undefined;
}

function denial(
  rt: ResourceType,
  obj: StoredObject,
  old: StoredObject | undefined,
  store: ObjectStore,
  install: ConsulInstall,
): string | undefined {
  const creating = old === undefined;
  switch (rt.kind) {
    case 'ServiceIntentions':
      return serviceIntentionsDenial(rt, obj, old, store, install);
    case 'ServiceResolver':
      return serviceResolverDenial(rt, obj, creating, store, install);
    case 'SamenessGroup':
      return samenessGroupDenial(rt, obj, creating, store, install);
    case 'PeeringAcceptor':
    case 'PeeringDialer':
      return peeringDenial(rt, obj, creating, store);
    case 'Mesh':
      return (
        (creating ? singletonDenial(rt, obj, store, 'mesh', 'mesh') : undefined) ?? meshDenial(obj, install)
      );
    case 'ProxyDefaults':
      return (
        (creating ? singletonDenial(rt, obj, store, 'proxydefaults', 'global') : undefined) ??
        proxyDefaultsDenial(obj)
      );
    case 'ExportedServices':
      return (
        (creating ? exportsSingletonDenial(rt, store) : undefined) ?? exportedServicesDenial(obj, install)
      );
    default:
      return undefined;
  }
}

function webhookName(rt: ResourceType, install: ConsulInstall): string {
  if (rt.kind === 'PeeringAcceptor' || rt.kind === 'PeeringDialer')
    return `${install.fullname}-mutate-${rt.plural}.${group}`;
  // The kubebuilder markers name these two in the singular.
  if (rt.kind === 'ServiceResolver' || rt.kind === 'SamenessGroup') return `mutate-${rt.singular}.${group}`;
  return `mutate-${rt.plural === 'meshes' ? 'mesh' : rt.plural}.${group}`;
}

/** Runs the consul-k8s webhook for `obj`, returning the denial error or undefined when admitted. */
export function admitConsulResource(
  rt: ResourceType,
  obj: StoredObject,
  old: StoredObject | undefined,
  store: ObjectStore,
  install: ConsulInstall = consulInstall(),
): KubeApiError | undefined {
  if (rt.group !== group) return undefined;
  const message = denial(rt, obj, old, store, install);
  return message === undefined ? undefined : webhookDenied(webhookName(rt, install), message);
}
