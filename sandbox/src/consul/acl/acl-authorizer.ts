/**
 * Decides what a token may do, as Consul's policy authorizer does: rules of all its policies merged
 * (deny beats write beats read), exact service rules before the longest prefix, `peering` and
 * `mesh` falling back to `operator`, and default deny. Denials carry Consul's 403 text.
 */
import type { AccessLevel, NamedRule, PolicyRules } from './hcl-rules.ts';

/** The accessor ID of Consul's built-in anonymous token. */
export const ANONYMOUS_ACCESSOR_ID = '00000000-0000-0000-0000-000000000002';

/** A refused request: HTTP 403 with Consul's plain-text message. */
export class AclDenied extends Error {
  override readonly name = 'AclDenied';
}

/** Permissions checked by this server. */
export type Resource = 'peering' | 'mesh' | 'operator' | 'acl' | 'service' | 'node' | 'intention';

/** What a resolved token may do. */
export interface Authorizer {
  readonly accessorID: string;
  allowed(resource: Resource, want: 'read' | 'write', partition: string, name?: string): boolean;
  /** Throws AclDenied with Consul's text unless allowed. */
  require(resource: Resource, want: 'read' | 'write', partition: string, name?: string): void;
  /**
   * Reading a node or service imported from a peer, whose names mean nothing locally: allowed with
   * `service:write` on any service or read on every local one of that kind, as hashicorp/consul
   * acl/policy_authorizer.go NodeRead/ServiceRead do when the authorizer context carries a peer.
   */
  allowedImported(resource: 'service' | 'node', partition: string): boolean;
}

const rank: Record<AccessLevel, number> = { read: 1, write: 2, deny: 3 };

function merge(a: AccessLevel | undefined, b: AccessLevel | undefined): AccessLevel | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return rank[a] >= rank[b] ? a : b;
}

function grants(level: AccessLevel | undefined, want: 'read' | 'write'): boolean {
  if (level === undefined || level === 'deny') return false;
  return want === 'read' || level === 'write';
}

function namedLevel(
  rules: readonly NamedRule[],
  name: string,
  pick: (rule: NamedRule) => AccessLevel | undefined = (rule) => rule.policy,
): AccessLevel | undefined {
  let exact: AccessLevel | undefined;
  let best: { length: number; level: AccessLevel | undefined } = { length: -1, level: undefined };
  for (const rule of rules) {
    const level = pick(rule);
    if (level === undefined) continue;
    if (!rule.prefix && rule.name === name) exact = merge(exact, level);
    if (rule.prefix && name.startsWith(rule.name)) {
      if (rule.name.length > best.length) best = { length: rule.name.length, level };
      else if (rule.name.length === best.length) best = { ...best, level: merge(best.level, level) };
    }
  }
  return exact ?? best.level;
}

/** The merged level of each (name, exact or prefix) rule, as acl.MergePolicies keys them. */
function mergedLeaves(sets: readonly PolicyRules[], kind: 'services' | 'nodes'): Map<string, AccessLevel> {
  const leaves = new Map<string, AccessLevel>();
  for (const rule of sets.flatMap((s) => s[kind])) {
    const key = `${rule.prefix ? 'prefix' : 'exact'}:${rule.name}`;
    const level = merge(leaves.get(key), rule.policy);
    if (level !== undefined) leaves.set(key, level);
  }
  return leaves;
}

/**
 * policy_authorizer.go allAllowed for read: a `<kind>_prefix ""` rule granting read and no rule
 * denying; without the catch-all the answer is Default, which the default-deny policy refuses.
 */
function readAll(leaves: ReadonlyMap<string, AccessLevel>): boolean {
  const catchAll = leaves.get('prefix:');
  if (catchAll === undefined || catchAll === 'deny') return false;
  return ![...leaves.values()].includes('deny');
}

/** policy_authorizer.go anyAllowed for write: some service rule, exact or prefix, grants write. */
function writeAny(leaves: ReadonlyMap<string, AccessLevel>): boolean {
  return [...leaves.values()].includes('write');
}

/** The rule sets of a policy that apply in a partition (top-level rules belong to `default`). */
function applicable(rules: PolicyRules, partition: string, enterprise: boolean): PolicyRules[] {
  const out: PolicyRules[] = [];
  if (!enterprise || partition === 'default') out.push(rules);
  for (const block of rules.partitions) {
    const matches = block.prefix ? partition.startsWith(block.name) : block.name === partition;
    if (matches) out.push(block.rules);
  }
  return out;
}

function denialText(accessorID: string, resource: Resource, want: string, name: string | undefined): string {
  const who =
    accessorID === ANONYMOUS_ACCESSOR_ID ? 'anonymous token' : `token with AccessorID '${accessorID}'`;
  const on = name === undefined || name === '' ? '' : ` on "${name}"`;
  const hint =
    accessorID === ANONYMOUS_ACCESSOR_ID
      ? '. The anonymous token is used implicitly when a request does not specify a token.'
      : '';
  return `Permission denied: ${who} lacks permission '${resource}:${want}'${on}${hint}`;
}

/** Builds the authorizer of a token from its policies' parsed rules. */
export function createAuthorizer(options: {
  readonly accessorID: string;
  readonly management: boolean;
  readonly policies: readonly PolicyRules[];
  readonly enterprise: boolean;
}): Authorizer {
  const level = (
    resource: Resource,
    partition: string,
    name: string | undefined,
  ): AccessLevel | undefined => {
    const sets = options.policies.flatMap((p) => applicable(p, partition, options.enterprise));
    if (resource === 'intention') {
      // Intention rules live in service blocks (`intentions = "..."`), as Consul's policy authorizer keeps them.
      const levels = sets.map((s) => namedLevel(s.services, name ?? '', (rule) => rule.intentions));
      return levels.reduce<AccessLevel | undefined>((acc, l) => merge(acc, l), undefined);
    }
    if (resource === 'service' || resource === 'node') {
      const lists = sets.map((s) => namedLevel(resource === 'service' ? s.services : s.nodes, name ?? ''));
      return lists.reduce<AccessLevel | undefined>((acc, l) => merge(acc, l), undefined);
    }
    const direct = sets.reduce<AccessLevel | undefined>((acc, s) => merge(acc, s[resource]), undefined);
    if (direct !== undefined || (resource !== 'peering' && resource !== 'mesh')) return direct;
    // Consul: without a peering (or mesh) rule the operator rule decides.
    return sets.reduce<AccessLevel | undefined>((acc, s) => merge(acc, s.operator), undefined);
  };
  const allowed: Authorizer['allowed'] = (resource, want, partition, name) =>
    options.management || grants(level(resource, partition, name), want);
  const allowedImported: Authorizer['allowedImported'] = (resource, partition) => {
    if (options.management) return true;
    const sets = options.policies.flatMap((p) => applicable(p, partition, options.enterprise));
    if (writeAny(mergedLeaves(sets, 'services'))) return true;
    return readAll(mergedLeaves(sets, resource === 'service' ? 'services' : 'nodes'));
  };
  return {
    accessorID: options.accessorID,
    allowed,
    allowedImported,
    require(resource, want, partition, name) {
      if (!allowed(resource, want, partition, name)) {
        throw new AclDenied(denialText(options.accessorID, resource, want, name));
      }
    },
  };
}

/** The authorizer used when ACLs are disabled: everything is allowed. */
export const allowAll: Authorizer = {
  accessorID: '',
  allowed: () => true,
  require: () => {},
  allowedImported: () => true,
};
