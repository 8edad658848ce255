/**
 * Derives the runbook's permissions (`peering:write`, `service:read`, `node:read`, ...) from what a token is
 * granted: its policies, its roles' policies, and the synthetic policies of its service and node
 * identities. Merging follows Consul: deny over write over read (acl/policy.go
 * takesPrecedenceOver), and `peering` and `mesh` fall back to `operator` when no rule names them.
 */
import {
  isBody,
  parsePolicyRules,
  type RuleBody,
  type RuleItem,
  type RuleValue,
} from './policy-rules-parser.ts';

/** What a token (or role) is granted; roles are resolved to their policies and identities by the caller. */
export interface AclGrants {
  readonly policies: ReadonlyArray<{ readonly id: string; readonly rules: string }>;
  readonly serviceIdentities?: readonly string[];
  readonly nodeIdentities?: readonly string[];
}

const GLOBAL_MANAGEMENT = '00000000-0000-0000-0000-000000000001';
const ALL = [
  'mesh:read',
  'mesh:write',
  'node:read',
  'peering:read',
  'peering:write',
  'service:read',
  'service:write',
];
/** The namespace meshpeer's services, gateways and imports live in. */
const NAMESPACE = 'default';

type Level = 'deny' | 'read' | 'write';
const precedence: Record<Level, number> = { read: 0, write: 1, deny: 2 };
const isLevel = (v: RuleValue | undefined): v is Level => v === 'deny' || v === 'read' || v === 'write';

/** The synthetic rules of a service identity (agent/structs/acl_ce.go aclPolicyTemplateServiceIdentity). */
function serviceIdentityRules(name: string): string {
  return `service "${name}" { policy = "write" }\nservice "${name}-sidecar-proxy" { policy = "write" }\nservice_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }`;
}

/** The synthetic rules of a node identity (aclPolicyTemplateNodeIdentity). */
function nodeIdentityRules(name: string): string {
  return `node "${name}" { policy = "write" }\nservice_prefix "" { policy = "read" }`;
}

/** Rule levels merged per resource (`peering`, `service:web`, `service_prefix:`), deny first. */
class MergedRules {
  private readonly levels = new Map<string, Level>();

  add(key: string, level: Level): void {
    const current = this.levels.get(key);
    if (current === undefined || precedence[level] > precedence[current]) this.levels.set(key, level);
  }

  get(key: string): Level | undefined {
    return this.levels.get(key);
  }

  anyService(level: Level): boolean {
    return this.any(/^service(?:_prefix)?:/, level);
  }

  anyNode(level: Level): boolean {
    return this.any(/^node(?:_prefix)?:/, level);
  }

  private any(kind: RegExp, level: Level): boolean {
    return [...this.levels].some(([key, l]) => kind.test(key) && l === level);
  }
}

/** Where in a policy an item sits: inside a partition block, inside a namespace block. */
interface Scope {
  readonly inPartition: boolean;
  readonly inNamespace: boolean;
}

/** A block's labelled bodies, in HCL form (`service "web" {}`) or JSON form (`"service": {"web": {}}`). */
function labelled(item: RuleItem): Array<{ label: string; body: RuleBody }> {
  const [, label] = item.keys;
  const bodies = Array.isArray(item.value) ? item.value : [item.value];
  if (label !== undefined) return bodies.filter(isBody).map((body) => ({ label, body }));
  return bodies.filter(isBody).flatMap((outer) =>
    outer.items.flatMap((inner) => {
      const name = inner.keys[0];
      return name !== undefined && isBody(inner.value) ? [{ label: name, body: inner.value }] : [];
    }),
  );
}

function policyOf(body: RuleBody): Level | undefined {
  const value = body.items.find((i) => i.keys.length === 1 && i.keys[0] === 'policy')?.value;
  return isLevel(value) ? value : undefined;
}

const matches = (type: string, label: string, wanted: string): boolean =>
  type.endsWith('_prefix') ? wanted.startsWith(label) : label === wanted;

function collect(body: RuleBody, scope: Scope, partition: string, merged: MergedRules): void {
  for (const item of body.items) {
    const type = item.keys[0] ?? '';
    if ((type === 'peering' || type === 'mesh' || type === 'operator') && item.keys.length === 1) {
      // Consul accepts these outside namespace blocks only; operator is global, never per partition.
      if (isLevel(item.value) && !scope.inNamespace && !(type === 'operator' && scope.inPartition))
        merged.add(type, item.value);
    } else if (type === 'partition' || type === 'partition_prefix') {
      if (scope.inPartition || scope.inNamespace) continue;
      for (const { label, body: inner } of labelled(item))
        if (matches(type, label, partition))
          collect(inner, { ...scope, inPartition: true }, partition, merged);
    } else if (type === 'namespace' || type === 'namespace_prefix') {
      if (scope.inNamespace) continue;
      for (const { label, body: inner } of labelled(item))
        if (matches(type, label, NAMESPACE))
          collect(inner, { ...scope, inNamespace: true }, partition, merged);
    } else if ((type === 'node' || type === 'node_prefix') && !scope.inNamespace) {
      // Nodes belong to a partition, not a namespace: Consul Enterprise refuses node rules there.
      for (const { label, body: inner } of labelled(item)) {
        const level = policyOf(inner);
        if (level !== undefined) merged.add(`${type}:${label}`, level);
      }
    } else if (type === 'service' || type === 'service_prefix') {
      for (const { label, body: inner } of labelled(item)) {
        const level = policyOf(inner);
        if (level !== undefined) merged.add(`${type}:${label}`, level);
      }
    }
  }
}

const allows = (level: Level | undefined, want: 'read' | 'write'): boolean =>
  level === 'write' || (level === 'read' && want === 'read');

/**
 * The permissions a token holds in `partition` (default "default"). Rules at the top level count
 * as the policy's own partition, which is taken to be the one asked about (tokens are read where
 * they are used); `partition "<p>"` and `partition_prefix` blocks count when they match it, and
 * service rules count at the top level and in blocks for the default namespace. Simplified:
 * Consul CE ignores partition blocks, so a CE policy granting a rule only inside one is overstated
 * (the chart's policies always repeat it at the top level), and policy and identity datacenter
 * restrictions are not applied. Rules that cannot be parsed grant nothing.
 */
export function permissionsOf(grants: AclGrants, partition = 'default'): string[] {
  if (grants.policies.some((p) => p.id === GLOBAL_MANAGEMENT)) return [...ALL];
  const sources = [
    ...grants.policies.map((p) => p.rules),
    ...(grants.serviceIdentities ?? []).map(serviceIdentityRules),
    ...(grants.nodeIdentities ?? []).map(nodeIdentityRules),
  ];
  const merged = new MergedRules();
  for (const rules of sources) {
    let body: RuleBody;
    try {
      body = parsePolicyRules(rules);
    } catch {
      // Consul validated these rules when they were written: a parse failure is a gap in this
      // parser, and granting nothing makes the check ask for the rule instead of assuming it.
      continue;
    }
    collect(body, { inPartition: false, inNamespace: false }, partition, merged);
  }
  const peering = merged.get('peering') ?? merged.get('operator');
  const mesh = merged.get('mesh') ?? merged.get('operator');
  const held: string[] = [];
  if (allows(mesh, 'read')) held.push('mesh:read');
  if (allows(mesh, 'write')) held.push('mesh:write');
  // node:read is Consul's NodeReadAll (acl/policy_authorizer.go allAllowed): `node_prefix ""`
  // granting read and no node rule denying. It is what reading nodes of every local instance and
  // any imported one (NodeRead with a peer in the context) takes.
  if (allows(merged.get('node_prefix:'), 'read') && !merged.anyNode('deny')) held.push('node:read');
  if (allows(peering, 'read')) held.push('peering:read');
  if (allows(peering, 'write')) held.push('peering:write');
  if (allows(merged.get('service_prefix:'), 'read')) held.push('service:read');
  if (merged.anyService('write')) held.push('service:write');
  return held;
}
