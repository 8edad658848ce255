/**
 * The consul-k8s webhooks of ServiceResolver and SamenessGroup (serviceresolver_webhook.go,
 * samenessgroup_webhook.go, both through api/common/configentry_webhook.go ValidateConfigEntry:
 * names unique across namespaces on create, then the type's Validate): ServiceResolver.Validate
 * (serviceresolver_types.go: failover, redirect, subset names, Enterprise fields) and
 * SamenessGroup.Validate (samenessgroup_types.go: default namespace, members, the local partition).
 *
 * Simplified: subset filters are not parsed (go-bexpr), load balancer settings are not checked,
 * and Go's random map order is replaced by the order the failover keys were written in.
 */
import type { ObjectStore } from '../object-store.ts';
import type { ResourceType } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import type { ConsulInstall } from './consul-install.ts';
import { type FieldErrorText, invalidField, invalidText } from './field-error-text.ts';
import { type GoField, goJson } from './go-values.ts';

const group = 'consul.hashicorp.com';
const SUBSET = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const s = (name: string): GoField => ({ json: name, go: name, kind: 'string' });
const TARGET_FIELDS = [
  s('service'),
  s('serviceSubset'),
  s('partition'),
  s('namespace'),
  s('datacenter'),
  s('peer'),
];
const FAILOVER_FIELDS: readonly GoField[] = [
  s('service'),
  s('serviceSubset'),
  s('namespace'),
  { json: 'datacenters', go: 'Datacenters', kind: 'list' },
  { json: 'targets', go: 'Targets', kind: 'list' },
  { json: 'policy', go: 'Policy', kind: 'object' },
  s('samenessGroup'),
];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** ValidateConfigEntry's create check: one resource of the kind per name in the whole cluster. */
export function uniqueNameDenial(rt: ResourceType, obj: StoredObject, store: ObjectStore, kubeKind: string) {
  const name = obj.metadata.name ?? '';
  if (!store.list(rt).some((other) => other.metadata.name === name)) return undefined;
  return `${kubeKind} resource with name ${JSON.stringify(name)} is already defined – all ${kubeKind} resources must have unique names across namespaces`;
}

function targetErrors(target: Record<string, unknown>, path: string): FieldErrorText[] {
  const json = goJson(target, TARGET_FIELDS);
  const [peer, subset, partition, dc] = ['peer', 'serviceSubset', 'partition', 'datacenter'].map((k) =>
    str(target[k]),
  );
  let detail: string | undefined;
  if (peer !== '' && subset !== '') detail = 'target.peer cannot be set with target.serviceSubset';
  else if (peer !== '' && partition !== '') detail = 'target.partition cannot be set with target.peer';
  else if (peer !== '' && dc !== '') detail = 'target.peer cannot be set with target.datacenter';
  else if (partition !== '' && dc !== '') detail = 'target.partition cannot be set with target.datacenter';
  return detail === undefined ? [] : [invalidField(path, json, detail)];
}

/** ServiceResolverFailover.validate. */
function failoverErrors(f: Record<string, unknown>, path: string, install: ConsulInstall): FieldErrorText[] {
  const errors: FieldErrorText[] = [];
  const targets = arr(f.targets).map(rec);
  const datacenters = arr(f.datacenters);
  const empty = ['service', 'serviceSubset', 'namespace', 'samenessGroup'].every((k) => str(f[k]) === '');
  if (empty && datacenters.length === 0 && targets.length === 0 && f.policy === undefined)
    errors.push(
      invalidField(
        path,
        '{}',
        'service, serviceSubset, namespace, datacenters, policy, and targets cannot all be empty at once',
      ),
    );
  const partition = install.partitionsEnabled ? install.partition : '';
  if (partition !== 'default' && datacenters.length > 0)
    errors.push({
      field: `${path}.datacenters`,
      body: `Invalid value: []string{${datacenters.map((d) => JSON.stringify(d)).join(', ')}}: cross-datacenter failover is only supported in the default partition`,
    });
  const json = goJson(f, FAILOVER_FIELDS);
  const invalid = (detail: string) => errors.push(invalidField(path, json, detail));
  if (str(f.samenessGroup) !== '') {
    if (datacenters.length > 0) invalid('samenessGroup cannot be set with datacenters');
    else if (str(f.serviceSubset) !== '') invalid('samenessGroup cannot be set with serviceSubset');
    else if (targets.length > 0) invalid('samenessGroup cannot be set with targets');
  }
  if (datacenters.length > 0 && targets.length > 0) invalid('targets cannot be set with datacenters');
  if (str(f.serviceSubset) !== '' && targets.length > 0) invalid('targets cannot be set with serviceSubset');
  if (str(f.service) !== '' && targets.length > 0) invalid('targets cannot be set with service');
  targets.forEach((t, i) => {
    errors.push(...targetErrors(t, `${path}.targets[${i}]`));
  });
  datacenters.forEach((dc, i) => {
    if (dc === '') errors.push(invalidField(`${path}.datacenters[${i}]`, '', 'found empty datacenter'));
  });
  return errors;
}

/** ServiceResolver.Validate's field errors (failover, redirect/failover exclusion, subsets, Enterprise). */
function resolverErrors(obj: StoredObject, install: ConsulInstall): FieldErrorText[] {
  const spec = rec(getPath(obj, ['spec']));
  const errors: FieldErrorText[] = [];
  const failover = rec(spec.failover);
  for (const [key, f] of Object.entries(failover))
    errors.push(...failoverErrors(rec(f), `spec.failover[${key}]`, install));
  if (Object.keys(failover).length > 0 && isRecord(spec.redirect))
    errors.push(
      invalidField('spec', JSON.stringify(obj), 'service resolver redirect and failover cannot both be set'),
    );
  for (const name of Object.keys(rec(spec.subsets))) {
    if (!SUBSET.test(name))
      errors.push(
        invalidField(
          `spec.subsets[${name}]`,
          name,
          "subset name must begin or end with lower case alphanumeric characters, and contain lower case alphanumeric characters or '-' in between",
        ),
      );
  }
  if (!install.namespacesEnabled) {
    for (const [key, f] of Object.entries(failover)) {
      const ns = str(rec(f).namespace);
      if (ns !== '')
        errors.push(
          invalidField(
            `spec.failover[${key}].namespace`,
            ns,
            'Consul Enterprise namespaces must be enabled to set failover.namespace',
          ),
        );
    }
  }
  const redirectPartition = str(rec(spec.redirect).partition);
  if (!install.partitionsEnabled && redirectPartition !== '')
    errors.push(
      invalidField(
        'spec.redirect.partition',
        redirectPartition,
        'Consul Enterprise partitions must be enabled to set redirect.partition',
      ),
    );
  return errors;
}

/** The ServiceResolver webhook's denial, or undefined when admitted. */
export function serviceResolverDenial(
  rt: ResourceType,
  obj: StoredObject,
  creating: boolean,
  store: ObjectStore,
  install: ConsulInstall,
): string | undefined {
  const clash = creating ? uniqueNameDenial(rt, obj, store, 'serviceresolver') : undefined;
  if (clash !== undefined) return clash;
  const errors = resolverErrors(obj, install);
  return errors.length > 0
    ? invalidText('serviceresolver', group, obj.metadata.name ?? '', errors)
    : undefined;
}

/** SamenessGroup.Validate's field errors. */
function samenessErrors(obj: StoredObject, install: ConsulInstall): FieldErrorText[] {
  const errors: FieldErrorText[] = [];
  const members = arr(getPath(obj, ['spec', 'members'])).map(rec);
  // ConsulMeta.Partition is empty when the install runs without admin partitions.
  const partition = install.partitionsEnabled ? install.partition : '';
  let includesLocal = getPath(obj, ['spec', 'includeLocal']) === true;
  const namespace = obj.metadata.namespace ?? '';
  if (namespace !== 'default' && namespace !== '')
    errors.push(invalidField('spec.name', '', 'sameness groups must reside in the default namespace'));
  if (members.length === 0)
    errors.push(invalidField('spec.members', 'null', 'sameness groups must have at least one member'));
  const seen = new Set<string>();
  members.forEach((m, i) => {
    const path = `spec.members[${i}]`;
    const [peer, memberPartition] = [str(m.peer), str(m.partition)];
    if (memberPartition === partition) includesLocal = true;
    const json = goJson(m, [s('partition'), s('peer')]);
    if (peer === '' && memberPartition === '')
      errors.push(invalidField(path, json, 'sameness group members must specify either partition or peer'));
    else if (peer !== '' && memberPartition !== '')
      errors.push(
        invalidField(
          path,
          json,
          'sameness group members cannot specify both partition and peer in the same entry',
        ),
      );
    const key = `${memberPartition}\u0000${peer}`;
    if (seen.has(key)) errors.push(invalidField(path, json, 'sameness group members must be unique'));
    seen.add(key);
  });
  if (!includesLocal)
    errors.push({
      field: 'spec.members',
      body: `Invalid value: ${getPath(obj, ['spec', 'includeLocal']) === true}: the local partition must be a member of sameness groups`,
    });
  return errors;
}

/** The SamenessGroup webhook's denial, or undefined when admitted. */
export function samenessGroupDenial(
  rt: ResourceType,
  obj: StoredObject,
  creating: boolean,
  store: ObjectStore,
  install: ConsulInstall,
): string | undefined {
  const clash = creating ? uniqueNameDenial(rt, obj, store, 'samenessgroup') : undefined;
  if (clash !== undefined) return clash;
  const errors = samenessErrors(obj, install);
  return errors.length > 0 ? invalidText('samenessgroup', group, obj.metadata.name ?? '', errors) : undefined;
}
