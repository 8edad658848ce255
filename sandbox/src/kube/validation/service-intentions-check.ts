/**
 * The consul-k8s ServiceIntentions webhook (control-plane/api/v1alpha1/serviceintentions_webhook.go)
 * and ServiceIntentions.Validate (serviceintentions_types.go): on create, one resource per
 * destination name in the whole cluster (without namespace mirroring); on update, the destination
 * is immutable; then the sources' action, permissions, peer/partition/sameness-group exclusions,
 * wildcards, and namespaces and partitions only with Consul Enterprise enabled.
 *
 * Simplified: the namespace defaulting patch (DefaultNamespaceFields, namespaces enabled only) is
 * not applied, and JWT claims and L7 header permissions are checked only for what meshpeer sets.
 */
import type { ObjectStore } from '../object-store.ts';
import type { ResourceType } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import type { ConsulInstall } from './consul-install.ts';
import { type FieldErrorText, invalidField, invalidText } from './field-error-text.ts';
import { type GoField, goJson, goSyntax } from './go-values.ts';

const group = 'consul.hashicorp.com';
const WILDCARD = '*';
const META_VALUE_MAX = 512;

const SOURCE_FIELDS: readonly GoField[] = [
  { json: 'name', go: 'Name', kind: 'string' },
  { json: 'namespace', go: 'Namespace', kind: 'string' },
  { json: 'peer', go: 'Peer', kind: 'string' },
  { json: 'partition', go: 'Partition', kind: 'string' },
  { json: 'samenessGroup', go: 'SamenessGroup', kind: 'string' },
  { json: 'action', go: 'Action', kind: 'string' },
  { json: 'permissions', go: 'Permissions', kind: 'list', goType: 'v1alpha1.IntentionPermissions' },
  { json: 'description', go: 'Description', kind: 'string' },
];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function actionError(action: unknown, path: string): FieldErrorText | undefined {
  if (action === 'allow' || action === 'deny') return undefined;
  return invalidField(`${path}.action`, str(action), 'must be one of "allow", "deny"');
}

function permissionErrors(permissions: unknown[], path: string): FieldErrorText[] {
  const errors: FieldErrorText[] = [];
  permissions.forEach((raw, i) => {
    const perm = isRecord(raw) ? raw : {};
    const at = `${path}.permissions[${i}]`;
    const action = actionError(perm.action, at);
    if (action !== undefined) errors.push(action);
    const http = isRecord(perm.http) ? perm.http : undefined;
    if (http === undefined) return;
    for (const key of ['pathPrefix', 'pathExact']) {
      const value = str(http[key]);
      if (value !== '' && !value.startsWith('/'))
        errors.push(invalidField(`${at}.${key}`, value, "must begin with a '/'"));
    }
  });
  return errors;
}

/** SourceIntention.validate. */
function sourceErrors(src: Record<string, unknown>, path: string, install: ConsulInstall): FieldErrorText[] {
  const errors: FieldErrorText[] = [];
  const [peer, partition, group_] = [str(src.peer), str(src.partition), str(src.samenessGroup)];
  const printed = () => goSyntax('v1alpha1.SourceIntention', src, SOURCE_FIELDS);
  const invalidSource = (detail: string): FieldErrorText => ({
    field: path,
    body: `Invalid value: ${printed()}: ${detail}`,
  });
  if (str(src.name) === '') errors.push({ field: `${path}.name`, body: 'Required value: name is required.' });
  if (partition.includes(WILDCARD))
    errors.push(invalidField(`${path}.partition`, partition, "partition cannot use or contain wildcard '*'"));
  if (peer.includes(WILDCARD))
    errors.push(invalidField(`${path}.peer`, peer, "peer cannot use or contain wildcard '*'"));
  if (group_.includes(WILDCARD))
    errors.push(
      invalidField(`${path}.samenessgroup`, group_, "samenessgroup cannot use or contain wildcard '*'"),
    );
  if (partition !== '' && !install.partitionsEnabled)
    errors.push(
      invalidField(
        `${path}.partition`,
        partition,
        'Consul Enterprise Admin Partitions must be enabled to set source.partition',
      ),
    );
  if (peer !== '' && partition !== '')
    errors.push(invalidSource('cannot set peer and partition at the same time.'));
  if (group_ !== '' && partition !== '')
    errors.push(invalidSource('cannot set samenessgroup and partition at the same time.'));
  if (group_ !== '' && peer !== '')
    errors.push(invalidSource('cannot set samenessgroup and peer at the same time.'));
  if (str(src.description).length > META_VALUE_MAX)
    errors.push(invalidField(path, '', `description exceeds maximum length ${META_VALUE_MAX}`));
  return errors;
}

/** ServiceIntentions.Validate's field errors, in its order. */
function validateErrors(obj: StoredObject, install: ConsulInstall): FieldErrorText[] {
  const sources = getPath(obj, ['spec', 'sources']);
  const list = Array.isArray(sources) ? sources : [];
  const errors: FieldErrorText[] = [];
  if (list.length === 0)
    errors.push({ field: 'spec.sources', body: 'Required value: at least one source must be specified' });
  list.forEach((raw, i) => {
    const src = isRecord(raw) ? raw : {};
    const path = `spec.sources[${i}]`;
    const permissions = Array.isArray(src.permissions) ? src.permissions : [];
    if (permissions.length > 0 && str(src.action) !== '') {
      const json = goJson(src, SOURCE_FIELDS);
      errors.push(
        invalidField(
          path,
          json,
          'action and permissions are mutually exclusive and only one of them can be specified',
        ),
      );
    } else if (permissions.length === 0) {
      const action = actionError(src.action, path);
      if (action !== undefined) errors.push(action);
    } else errors.push(...permissionErrors(permissions, path));
    errors.push(...sourceErrors(src, path, install));
  });
  if (!install.namespacesEnabled) {
    const ns = str(getPath(obj, ['spec', 'destination', 'namespace']));
    const detail = (which: string) =>
      `Consul Enterprise namespaces must be enabled to set ${which}.namespace`;
    if (ns !== '') errors.push(invalidField('spec.destination.namespace', ns, detail('destination')));
    list.forEach((raw, i) => {
      const sns = str(isRecord(raw) ? raw.namespace : undefined);
      if (sns !== '') errors.push(invalidField(`spec.sources[${i}].namespace`, sns, detail('source')));
    });
  }
  return errors;
}

/** The webhook's denial for a ServiceIntentions create or update, or undefined when admitted. */
export function serviceIntentionsDenial(
  rt: ResourceType,
  obj: StoredObject,
  old: StoredObject | undefined,
  store: ObjectStore,
  install: ConsulInstall,
): string | undefined {
  const name = str(getPath(obj, ['spec', 'destination', 'name']));
  const namespace = str(getPath(obj, ['spec', 'destination', 'namespace']));
  if (old === undefined) {
    // Mirroring is not modelled: every entry lands in one Consul namespace, so names are cluster-unique.
    const clash = store
      .list(rt)
      .some((other) => str(getPath(other, ['spec', 'destination', 'name'])) === name);
    if (clash) return `an existing ServiceIntentions resource has \`spec.destination.name: ${name}\``;
  } else {
    const oldName = str(getPath(old, ['spec', 'destination', 'name']));
    const oldNamespace = str(getPath(old, ['spec', 'destination', 'namespace']));
    if (oldName !== name || oldNamespace !== namespace)
      return 'spec.destination.name and spec.destination.namespace are immutable fields for ServiceIntentions';
  }
  const errors = validateErrors(obj, install);
  return errors.length > 0
    ? invalidText('serviceintentions', group, obj.metadata.name ?? '', errors)
    : undefined;
}
