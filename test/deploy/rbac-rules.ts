/**
 * RBAC as kube-apiserver evaluates it, for checking rendered rules against a request log: the
 * rules a ServiceAccount holds through bindings (plugin/pkg/auth/authorizer/rbac/rbac.go
 * VisitRulesFor: ClusterRoleBindings everywhere, RoleBindings in their namespace) and whether a
 * rule allows a request (RuleAllows with rbacv1helpers' VerbMatches, APIGroupMatches,
 * ResourceMatches and ResourceNameMatches).
 */
import type { LoggedRequest } from '../../sandbox/src/kube/admin/request-counters.ts';
import type { RenderedObject } from '../support/helm-render.ts';

/** One rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

/** A resource request's authorization attributes; no namespace means cluster scope. */
export interface Authorization {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** The rules one subject holds: everywhere, and per namespace. */
export interface Grants {
  readonly cluster: readonly PolicyRule[];
  readonly namespaced: ReadonlyMap<string, readonly PolicyRule[]>;
}

/** A ServiceAccount. */
export interface Account {
  readonly namespace: string;
  readonly name: string;
}

function bindsAccount(binding: RenderedObject, account: Account): boolean {
  return ((binding.subjects ?? []) as Array<Record<string, string>>).some(
    (s) =>
      s.kind === 'ServiceAccount' &&
      s.name === account.name &&
      (s.namespace ?? binding.metadata.namespace) === account.namespace,
  );
}

function rulesOf(objects: RenderedObject[], kind: string, name: string, namespace?: string): PolicyRule[] {
  const role = objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (role === undefined) throw new Error(`a binding refers to ${kind} ${name}, which is not rendered`);
  return (role.rules ?? []) as PolicyRule[];
}

/** What `account` may do through the roles and bindings among `objects`. */
export function grantsOf(objects: RenderedObject[], account: Account): Grants {
  const cluster: PolicyRule[] = [];
  const namespaced = new Map<string, PolicyRule[]>();
  for (const b of objects) {
    if (b.kind === 'ClusterRoleBinding' && bindsAccount(b, account)) {
      cluster.push(...rulesOf(objects, 'ClusterRole', b.roleRef.name));
    } else if (b.kind === 'RoleBinding' && bindsAccount(b, account)) {
      const ns = String(b.metadata.namespace);
      const rules =
        b.roleRef.kind === 'ClusterRole'
          ? rulesOf(objects, 'ClusterRole', b.roleRef.name)
          : rulesOf(objects, 'Role', b.roleRef.name, ns);
      namespaced.set(ns, [...(namespaced.get(ns) ?? []), ...rules]);
    }
  }
  return { cluster, namespaced };
}

const has = (list: readonly string[] | undefined, value: string) =>
  (list ?? []).includes('*') || (list ?? []).includes(value);

/** rbac.go RuleAllows for a resource request. */
export function ruleAllows(rule: PolicyRule, request: Authorization): boolean {
  const combined =
    request.subresource === undefined ? request.resource : `${request.resource}/${request.subresource}`;
  const resourceMatches =
    has(rule.resources, combined) ||
    (request.subresource !== undefined && (rule.resources ?? []).includes(`*/${request.subresource}`));
  const names = rule.resourceNames ?? [];
  return (
    has(rule.verbs, request.verb) &&
    has(rule.apiGroups, request.apiGroup) &&
    resourceMatches &&
    (names.length === 0 || names.includes(request.name ?? ''))
  );
}

/** Whether the grants allow the request: cluster-scoped ones only through ClusterRoleBindings. */
export function allows(grants: Grants, request: Authorization): boolean {
  const rules = [
    ...grants.cluster,
    ...(request.namespace === undefined ? [] : (grants.namespaced.get(request.namespace) ?? [])),
  ];
  return rules.some((r) => ruleAllows(r, request));
}

/**
 * The authorizations the logged resource requests needed. An apply (server-side apply PATCH) that
 * created its object was authorized for `create` as well (k8s.io/apiserver
 * endpoints/handlers/patch.go, createAuthorizerAttributes), which the 201 answer shows.
 */
export function requiredAuthorizations(log: readonly LoggedRequest[]): Authorization[] {
  const out: Authorization[] = [];
  for (const r of log) {
    if (r.resource === undefined || r.apiGroup === undefined) continue;
    const base: Authorization = {
      verb: r.verb,
      apiGroup: r.apiGroup,
      resource: r.resource,
      ...(r.subresource !== undefined && { subresource: r.subresource }),
      ...(r.namespace !== undefined && { namespace: r.namespace }),
      ...(r.name !== undefined && { name: r.name }),
    };
    out.push(base);
    if (r.verb === 'patch' && r.patchType === 'application/apply-patch+yaml' && r.status === 201)
      out.push({ ...base, verb: 'create' });
  }
  return out;
}

/** `group resource verb` triples a rule set grants (names and scope aside). */
export function grantedTriples(rules: readonly PolicyRule[]): Set<string> {
  const out = new Set<string>();
  for (const rule of rules)
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs) out.add(triple(group, resource, verb));
  return out;
}

/** The `group resource verb` key of an authorization (`core` for the empty group). */
export function triple(group: string, resource: string, verb: string): string {
  return `${group === '' ? 'core' : group} ${resource} ${verb}`;
}

/** The triple of a request. */
export function tripleOf(a: Authorization): string {
  return triple(
    a.apiGroup,
    a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`,
    a.verb,
  );
}
