/** What an install's part of the topology asks of it beyond the runbook's four values. */
export interface InstallNeeds {
  /** With admin partitions: the partition the install must serve (`global.adminPartitions.name`). */
  readonly partition?: string;
  /** A partition install runs no servers: `externalServers` points it at its cluster's. */
  readonly externalServers: boolean;
  readonly namespaces: boolean;
  /** The install declares sameness groups: Consul 1.16 or newer (set only when true). */
  readonly samenessGroups?: boolean;
}
