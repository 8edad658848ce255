/**
 * consul-k8s ExportedServices.Validate (control-plane/api/v1alpha1/exportedservices_types.go): the
 * name of the install's partition, at least one service, each with consumers that name exactly one
 * of peer, partition or sameness group, no wildcards, and service namespaces only with Consul
 * namespaces enabled.
 */
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import type { ConsulInstall } from './consul-install.ts';
import { type FieldErrorText, invalidField, invalidText } from './field-error-text.ts';

const kubeKind = 'exportedservices';
const group = 'consul.hashicorp.com';

function nameErrors(name: string, install: ConsulInstall): FieldErrorText[] {
  if (!install.partitionsEnabled) {
    return name === 'default'
      ? []
      : [invalidField('name', name, `${kubeKind} resource name must be "default"`)];
  }
  if (name === install.partition) return [];
  return [
    invalidField(
      'name',
      name,
      `${kubeKind} resource name must be the same name as the partition, "${install.partition}"`,
    ),
  ];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function consumerError(consumer: unknown, path: string, install: ConsulInstall): FieldErrorText | undefined {
  const c = isRecord(consumer) ? consumer : {};
  const partition = str(c.partition);
  const peer = str(c.peer);
  const samenessGroup = str(c.samenessGroup);
  // The Go struct marshals in field order with omitempty.
  const value = {
    ...(partition !== '' && { partition }),
    ...(peer !== '' && { peer }),
    ...(samenessGroup !== '' && { samenessGroup }),
  };
  const count = Object.keys(value).length;
  if (count > 1)
    return invalidField(
      path,
      value,
      'service consumer must define at most one of Peer, Partition, or SamenessGroup',
    );
  if (count === 0)
    return invalidField(
      path,
      value,
      'service consumer must define at least one of Peer, Partition, or SamenessGroup',
    );
  if (!install.partitionsEnabled && partition !== '')
    return invalidField(
      `${path}.partition`,
      partition,
      'Consul Admin Partitions need to be enabled to specify partition.',
    );
  if (partition === '*')
    return invalidField(`${path}.partition`, '', 'exporting to all partitions (wildcard) is not supported');
  if (peer === '*')
    return invalidField(`${path}.peer`, '', 'exporting to all peers (wildcard) is not supported');
  if (samenessGroup === '*')
    return invalidField(
      `${path}.samenessgroup`,
      '',
      'exporting to all sameness groups (wildcard) is not supported',
    );
  return undefined;
}

function serviceErrors(service: unknown, path: string, install: ConsulInstall): FieldErrorText[] {
  const s = isRecord(service) ? service : {};
  const errors: FieldErrorText[] = [];
  const consumers = Array.isArray(s.consumers) ? s.consumers : [];
  if (consumers.length === 0)
    errors.push(invalidField(path, s.consumers, 'service must have at least 1 consumer.'));
  const namespace = str(s.namespace);
  if (!install.namespacesEnabled && namespace !== '')
    errors.push(
      invalidField(path, namespace, 'Consul Namespaces must be enabled to specify service namespace.'),
    );
  for (const [i, consumer] of consumers.entries()) {
    const error = consumerError(consumer, `${path}.consumers[${i}]`, install);
    if (error !== undefined) errors.push(error);
  }
  return errors;
}

/** The Validate denial text for an ExportedServices, or undefined when valid. */
export function exportedServicesDenial(obj: StoredObject, install: ConsulInstall): string | undefined {
  const name = obj.metadata.name ?? '';
  const services = getPath(obj, ['spec', 'services']);
  const list = Array.isArray(services) ? services : [];
  const errors = nameErrors(name, install);
  if (list.length === 0)
    errors.push(invalidField('spec.services', services, 'at least one service must be exported'));
  for (const [i, service] of list.entries())
    errors.push(...serviceErrors(service, `spec.services[${i}]`, install));
  return errors.length > 0 ? invalidText(kubeKind, group, name, errors) : undefined;
}
