/**
 * `sameness-group` Validate. On Community Edition every write is refused as hashicorp/consul
 * agent/structs/config_entry_sameness_group_ce.go does ("sameness-groups are an enterprise-only
 * feature"). The Enterprise Validate is not public: the checks here are those the sameness group
 * reference documents (members name exactly one of Partition or Peer, the local partition belongs
 * to the group, only one group per partition is the default for failover), worded by us; consul-k8s
 * control-plane/api/v1alpha1/samenessgroup_types.go refuses the same cases before they get here.
 */
import { ConfigEntryError } from './config-entry-error.ts';

type Rec = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function refuse(message: string): never {
  throw new ConfigEntryError(500, message);
}

/** Validate of a `sameness-group` entry written to `partition`; `others` are the partition's other groups. */
export function validateSamenessGroup(
  entry: Rec,
  partition: string,
  enterprise: boolean,
  others: readonly Rec[],
): void {
  if (!enterprise) refuse('sameness-groups are an enterprise-only feature');
  const members = Array.isArray(entry.Members) ? (entry.Members as Rec[]) : [];
  if (members.length === 0) refuse('sameness group must have at least one member');
  const seen = new Set<string>();
  let includesLocal = entry.IncludeLocal === true;
  for (const [i, member] of members.entries()) {
    const peer = str(member?.Peer);
    const memberPartition = str(member?.Partition);
    if ((peer === '') === (memberPartition === ''))
      refuse(`Members[${i}]: must define exactly one of Partition or Peer`);
    if (memberPartition === partition) includesLocal = true;
    const key = `${peer}\u0000${memberPartition}`;
    if (seen.has(key)) refuse(`Members[${i}]: sameness group members must be unique`);
    seen.add(key);
  }
  if (!includesLocal) refuse('the local partition must be a member of the sameness group');
  if (entry.DefaultForFailover === true) {
    const other = others.find((g) => g.DefaultForFailover === true && g.Name !== entry.Name);
    if (other !== undefined)
      refuse(
        `sameness group ${JSON.stringify(other.Name)} is already the default for failover in partition ${JSON.stringify(partition)}`,
      );
  }
}
