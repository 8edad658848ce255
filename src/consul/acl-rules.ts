/**
 * Derives the runbook's permissions from Consul ACL policy rules (HCL or JSON), including
 * Consul's fallbacks: `peering` and `mesh` fall back to `operator` when they have no rule.
 */

const GLOBAL_MANAGEMENT = '00000000-0000-0000-0000-000000000001';
const order = { deny: 0, read: 1, write: 2 } as const;
type Level = keyof typeof order;

function strongest(a: Level | undefined, b: Level | undefined): Level | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return order[a] >= order[b] ? a : b;
}

interface Grants {
  peering?: Level | undefined;
  mesh?: Level | undefined;
  operator?: Level | undefined;
  service?: Level | undefined;
  servicePrefixAll?: Level | undefined;
}

function scanHcl(rules: string, grants: Grants): void {
  for (const m of rules.matchAll(/\b(peering|mesh|operator)\s*=\s*"(read|write|deny)"/g)) {
    const key = m[1] as 'peering' | 'mesh' | 'operator';
    grants[key] = strongest(grants[key], m[2] as Level);
  }
  for (const m of rules.matchAll(
    /\b(service|service_prefix)\s+"([^"]*)"\s*\{[^}]*?policy\s*=\s*"(read|write|deny)"/g,
  )) {
    const level = m[3] as Level;
    grants.service = strongest(grants.service, level);
    if (m[1] === 'service_prefix' && m[2] === '')
      grants.servicePrefixAll = strongest(grants.servicePrefixAll, level);
  }
}

function scanJson(rules: string, grants: Grants): boolean {
  try {
    const doc = JSON.parse(rules) as Record<string, unknown>;
    for (const key of ['peering', 'mesh', 'operator'] as const)
      if (typeof doc[key] === 'string') grants[key] = strongest(grants[key], doc[key] as Level);
    for (const kind of ['service', 'service_prefix'] as const) {
      for (const [name, body] of Object.entries(
        (doc[kind] as Record<string, { policy?: Level }> | undefined) ?? {},
      )) {
        grants.service = strongest(grants.service, body.policy);
        if (kind === 'service_prefix' && name === '')
          grants.servicePrefixAll = strongest(grants.servicePrefixAll, body.policy);
      }
    }
    return true;
  } catch {
    return false;
  }
}

const allows = (level: Level | undefined, want: 'read' | 'write') =>
  level !== undefined && level !== 'deny' && order[level] >= order[want];

/** The permissions (`peering:write`, `service:read`, ...) a token with these policies holds. */
export function permissionsFromPolicies(policies: ReadonlyArray<{ id: string; rules: string }>): string[] {
  if (policies.some((p) => p.id === GLOBAL_MANAGEMENT)) {
    return ['mesh:read', 'mesh:write', 'peering:read', 'peering:write', 'service:read', 'service:write'];
  }
  const grants: Grants = {};
  for (const p of policies) if (!scanJson(p.rules, grants)) scanHcl(p.rules, grants);
  const peering = grants.peering ?? grants.operator;
  const mesh = grants.mesh ?? grants.operator;
  const held: string[] = [];
  if (allows(mesh, 'read')) held.push('mesh:read');
  if (allows(mesh, 'write')) held.push('mesh:write');
  if (allows(peering, 'read')) held.push('peering:read');
  if (allows(peering, 'write')) held.push('peering:write');
  if (allows(grants.servicePrefixAll, 'read')) held.push('service:read');
  if (allows(grants.service, 'write')) held.push('service:write');
  return held;
}
