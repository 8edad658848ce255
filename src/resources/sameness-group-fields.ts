/**
 * The fields of a SamenessGroup meshpeer declares, read the way consul-k8s compares them with
 * Consul (samenessgroup_types.go MatchesConsul): absent booleans are false, an empty member
 * partition is `default`, and members keep their order (failover tries them in it). Pure.
 */

/** The declared fields of a SamenessGroup, normalized. */
export interface SamenessFields {
  readonly defaultForFailover: boolean;
  readonly includeLocal: boolean;
  /** `partition:<name>` or `peer:<name>`, in order. */
  readonly members: readonly string[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The normalized fields of a live or desired `spec`. */
export function samenessFields(spec: Readonly<Record<string, unknown>> | undefined): SamenessFields {
  const members = Array.isArray(spec?.members) ? (spec.members as unknown[]) : [];
  return {
    defaultForFailover: spec?.defaultForFailover === true,
    includeLocal: spec?.includeLocal === true,
    members: members.map((m) => {
      const member = (m ?? {}) as Record<string, unknown>;
      const peer = str(member.peer);
      return peer !== '' ? `peer:${peer}` : `partition:${str(member.partition) || 'default'}`;
    }),
  };
}

/** The names of the fields that differ, in spec order (empty when they match). */
export function samenessDiff(live: SamenessFields, desired: SamenessFields): string[] {
  const differs = [
    live.defaultForFailover !== desired.defaultForFailover && 'defaultForFailover',
    live.includeLocal !== desired.includeLocal && 'includeLocal',
    (live.members.length !== desired.members.length ||
      live.members.some((m, i) => m !== desired.members[i])) &&
      'members',
  ];
  return differs.filter((d): d is string => typeof d === 'string');
}
