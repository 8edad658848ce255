/**
 * rbac.authorization.k8s.io/v1 Role and ClusterRole as the real API server serves them: kubernetes
 * pkg/apis/rbac/validation/validation.go (validatePolicyRule; names need only be path segments)
 * and pkg/registry/rbac (ClusterRole is cluster-scoped). Simplified: the emulator has one all-powerful
 * token and no authorizer, so it neither enforces the rules nor refuses an escalation
 * (pkg/registry/rbac/validation's ConfirmNoEscalation); tests read the request log instead.
 */
import type { FieldError, PrinterColumn, ResourceType, Schema } from '../resource-type.ts';
import { isRecord } from '../stored-object.ts';
import { list, nameColumn, obj, opaque, str, topLevel } from './schema-helpers.ts';

const group = 'rbac.authorization.k8s.io';
/** What every kind of the RBAC group shares. */
const rbacGroup = {
  group,
  version: 'v1',
  builtIn: true,
  hasStatus: false,
  tracksGeneration: false,
} as const;

/** The identity of one RBAC kind: group, names and scope; names are path segments as in rbac's validation. */
export function rbacKindIdentity(kind: string, plural: string, namespaced: boolean) {
  return {
    ...rbacGroup,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    nameRule: 'path-segment' as const,
    schemaName: `io.k8s.api.rbac.v1.${kind}`,
  };
}

const policyRule: Schema = obj(
  {
    apiGroups: list(str(), 'APIGroups is the name of the APIGroup that contains the resources.'),
    resources: list(str(), 'Resources is a list of resources this rule applies to.'),
    resourceNames: list(str(), 'An optional allow list of names that the rule applies to.'),
    nonResourceURLs: list(str(), 'A set of partial urls that a user should have access to.'),
    verbs: list(str(), 'Verbs is a list of Verbs that apply to ALL the ResourceKinds in this rule.'),
  },
  ['verbs'],
  'PolicyRule holds information that describes a policy rule.',
);

/** The CREATED AT column of roles (kubernetes pkg/printers/internalversion roleColumnDefinitions). */
export const createdAtColumn: PrinterColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o) => o.metadata.creationTimestamp ?? null,
};

/** The object entries of a list field. */
export const records = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.filter(isRecord) : [];
const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/** validatePolicyRule: verbs always; api groups and resources unless the rule names URLs. */
function ruleErrors(rule: Record<string, unknown>, field: string, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const required = (child: string, message: string) =>
    errors.push({
      type: 'FieldValueRequired',
      field: `${field}.${child}`,
      message: `Required value: ${message}`,
    });
  if (count(rule.verbs) === 0) required('verbs', 'verbs must contain at least one value');
  if (count(rule.nonResourceURLs) > 0) {
    const urls = JSON.stringify(rule.nonResourceURLs);
    if (namespaced)
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}.nonResourceURLs`,
        message: `Invalid value: ${urls}: namespaced rules cannot apply to non-resource URLs`,
      });
    if (count(rule.apiGroups) + count(rule.resources) + count(rule.resourceNames) > 0)
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}.nonResourceURLs`,
        message: `Invalid value: ${urls}: rules cannot apply to both regular resources and non-resource URLs`,
      });
    return errors;
  }
  if (count(rule.apiGroups) === 0) required('apiGroups', 'resource rules must supply at least one api group');
  if (count(rule.resources) === 0) required('resources', 'resource rules must supply at least one resource');
  if (count(rule.resourceNames) > 0 && count(rule.resources) > 1)
    required('resourceNames', 'resource names cannot apply to multiple resources');
  return errors;
}

function roleKind(kind: 'Role' | 'ClusterRole', plural: string, namespaced: boolean): ResourceType {
  const properties: Record<string, Schema> = { rules: list(policyRule, 'Rules holds all the PolicyRules.') };
  if (!namespaced)
    properties.aggregationRule = opaque('Describes how to build the Rules for this ClusterRole.');
  return {
    ...rbacKindIdentity(kind, plural, namespaced),
    schema: topLevel(`${kind} is a set of PolicyRules.`, properties),
    // As kubernetes pkg/printers/internalversion roleColumnDefinitions.
    columns: [nameColumn, createdAtColumn],
    validate: (o) => records(o.rules).flatMap((rule, i) => ruleErrors(rule, `rules[${i}]`, namespaced)),
  };
}

/** rbac.authorization.k8s.io/v1 Role (namespaced). */
export const roleType = roleKind('Role', 'roles', true);
/** rbac.authorization.k8s.io/v1 ClusterRole (cluster-scoped). */
export const clusterRoleType = roleKind('ClusterRole', 'clusterroles', false);
