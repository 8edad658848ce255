/** Semantic checks that the acls section agrees with the clusters' token references. */
import type { PathIssue } from './diagnostic.ts';
import type { TopologyFile } from './schema.ts';

function duplicates(list: readonly string[]): string[] {
  return list.filter((p, i) => list.indexOf(p) !== i);
}

/** Problems between `acls` and `clusters[].consul.aclToken`. */
export function aclIssues(file: TopologyFile): PathIssue[] {
  const { acls } = file;
  const issues: PathIssue[] = [];
  if (!acls.enabled) {
    for (const section of ['reconciler', 'meshGateway'] as const) {
      if (acls[section] !== undefined) {
        issues.push({
          path: ['acls', section],
          code: 'acl_inconsistent',
          message: `acls.${section} is set but acls.enabled is false: set acls.enabled: true or remove acls.${section}`,
        });
      }
    }
    file.clusters.forEach((c, i) => {
      if (c.consul.aclToken !== undefined) {
        issues.push({
          path: ['clusters', i, 'consul', 'aclToken'],
          code: 'acl_inconsistent',
          message: `cluster "${c.name}" references an ACL token but acls.enabled is false: set acls.enabled: true or remove aclToken`,
        });
      }
    });
    return issues;
  }
  file.clusters.forEach((c, i) => {
    if (c.consul.aclToken === undefined) {
      issues.push({
        path: ['clusters', i, 'consul'],
        code: 'acl_token_missing',
        message: `acls.enabled is true but cluster "${c.name}" has no consul.aclToken: reference the Secret holding meshpeer's token (it needs peering:write)`,
      });
    }
  });
  const reconciler = acls.reconciler?.require;
  if (reconciler !== undefined && !reconciler.includes('peering:write')) {
    issues.push({
      path: ['acls', 'reconciler', 'require'],
      code: 'acl_inconsistent',
      message:
        "the reconciler's token must hold peering:write: meshpeer generates peering tokens and establishes peerings; add it to acls.reconciler.require",
    });
  }
  for (const section of ['reconciler', 'meshGateway'] as const) {
    for (const dup of new Set(duplicates(acls[section]?.require ?? []))) {
      issues.push({
        path: ['acls', section, 'require'],
        code: 'duplicate_permission',
        message: `permission ${dup} is listed twice in acls.${section}.require`,
      });
    }
  }
  return issues;
}
