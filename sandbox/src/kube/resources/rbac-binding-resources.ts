/**
 * rbac.authorization.k8s.io/v1 RoleBinding and ClusterRoleBinding as the real API server serves
 * them: kubernetes pkg/apis/rbac/validation/validation.go (roleRef group and kind, subjects, and
 * "cannot change roleRef" on update), pkg/apis/rbac/v1/defaults.go (roleRef.apiGroup and a
 * subject's apiGroup default) and pkg/registry/rbac (ClusterRoleBinding is cluster-scoped).
 */
import type { FieldError, ResourceType, Schema } from '../resource-type.ts';
import { isRecord, type StoredObject } from '../stored-object.ts';
import { rbacKindIdentity, records } from './rbac-resources.ts';
import { ageColumn, list, nameColumn, obj, str, topLevel } from './schema-helpers.ts';

const group = 'rbac.authorization.k8s.io';
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const roleRef: Schema = obj(
  { apiGroup: str(), kind: str(), name: str() },
  ['apiGroup', 'kind', 'name'],
  'RoleRef contains information that points to the role being used.',
);

const subject: Schema = obj(
  { apiGroup: str(), kind: str(), name: str(), namespace: str() },
  ['kind', 'name'],
  'Subject contains a reference to the object or user identities a role binding applies to.',
);

const notSupported = (field: string, value: unknown, allowed: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  message: `Unsupported value: "${String(value ?? '')}": supported values: "${allowed.join('", "')}"`,
});

function defaultBinding(o: StoredObject): void {
  if (isRecord(o.roleRef) && (o.roleRef.apiGroup ?? '') === '') o.roleRef.apiGroup = group;
  for (const s of records(o.subjects)) {
    if ((s.apiGroup ?? '') !== '') continue;
    s.apiGroup = s.kind === 'ServiceAccount' ? '' : group;
  }
}

function subjectErrors(s: Record<string, unknown>, field: string, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const name = typeof s.name === 'string' ? s.name : '';
  if (name === '')
    errors.push({ type: 'FieldValueRequired', field: `${field}.name`, message: 'Required value' });
  if (s.kind === 'ServiceAccount') {
    if (name !== '' && !subdomain.test(name))
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}.name`,
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      });
    if ((s.apiGroup ?? '') !== '') errors.push(notSupported(`${field}.apiGroup`, s.apiGroup, ['']));
    if (!namespaced && (s.namespace ?? '') === '')
      errors.push({ type: 'FieldValueRequired', field: `${field}.namespace`, message: 'Required value' });
  } else if (s.kind === 'User' || s.kind === 'Group') {
    if (s.apiGroup !== group) errors.push(notSupported(`${field}.apiGroup`, s.apiGroup, [group]));
  } else {
    errors.push(notSupported(`${field}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errors;
}

function validateBinding(o: StoredObject, old: StoredObject | undefined, namespaced: boolean): FieldError[] {
  const ref = isRecord(o.roleRef) ? o.roleRef : {};
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const errors: FieldError[] = [];
  if (ref.apiGroup !== group) errors.push(notSupported('roleRef.apiGroup', ref.apiGroup, [group]));
  if (!kinds.includes(String(ref.kind))) errors.push(notSupported('roleRef.kind', ref.kind, kinds));
  const name = typeof ref.name === 'string' ? ref.name : '';
  if (name === '')
    errors.push({ type: 'FieldValueRequired', field: 'roleRef.name', message: 'Required value' });
  else if (name.includes('/') || name.includes('%') || name === '.' || name === '..')
    errors.push({
      type: 'FieldValueInvalid',
      field: 'roleRef.name',
      message: `Invalid value: "${name}": must be a valid path segment name`,
    });
  records(o.subjects).forEach((s, i) => {
    errors.push(...subjectErrors(s, `subjects[${i}]`, namespaced));
  });
  // ValidateRoleBindingUpdate: the role a binding grants is fixed; delete and re-create to change it.
  if (old !== undefined && JSON.stringify(old.roleRef ?? null) !== JSON.stringify(o.roleRef ?? null)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'roleRef',
      message: `Invalid value: ${JSON.stringify(o.roleRef)}: cannot change roleRef`,
    });
  }
  return errors;
}

function subjectsOf(o: StoredObject, kind: string): string {
  const names = records(o.subjects)
    .filter((s) => s.kind === kind)
    .map((s) =>
      kind === 'ServiceAccount' ? `${String(s.namespace ?? '')}/${String(s.name)}` : String(s.name),
    );
  return names.join(', ');
}

function bindingKind(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  plural: string,
  namespaced: boolean,
): ResourceType {
  return {
    ...rbacKindIdentity(kind, plural, namespaced),
    schema: topLevel(
      `${kind} references a role and holds a list of subjects it applies to.`,
      { roleRef, subjects: list(subject, 'Subjects holds references to the objects the role applies to.') },
      ['roleRef'],
    ),
    // As kubernetes pkg/printers/internalversion roleBindingsColumnDefinitions.
    columns: [
      nameColumn,
      {
        name: 'Role',
        type: 'string',
        description: 'Role referenced by this binding.',
        cell: (o) => (isRecord(o.roleRef) ? `${String(o.roleRef.kind)}/${String(o.roleRef.name)}` : ''),
      },
      ageColumn,
      {
        name: 'Users',
        type: 'string',
        priority: 1,
        description: 'Users.',
        cell: (o) => subjectsOf(o, 'User'),
      },
      {
        name: 'Groups',
        type: 'string',
        priority: 1,
        description: 'Groups.',
        cell: (o) => subjectsOf(o, 'Group'),
      },
      {
        name: 'ServiceAccounts',
        type: 'string',
        priority: 1,
        description: 'ServiceAccounts.',
        cell: (o) => subjectsOf(o, 'ServiceAccount'),
      },
    ],
    defaults: defaultBinding,
    validate: (o, old) => validateBinding(o, old, namespaced),
  };
}

/** rbac.authorization.k8s.io/v1 RoleBinding (namespaced; grants a Role or a ClusterRole there). */
export const roleBindingType = bindingKind('RoleBinding', 'rolebindings', true);
/** rbac.authorization.k8s.io/v1 ClusterRoleBinding (cluster-scoped; grants a ClusterRole everywhere). */
export const clusterRoleBindingType = bindingKind('ClusterRoleBinding', 'clusterrolebindings', false);
