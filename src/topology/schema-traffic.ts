/**
 * The zod schemas of the traffic sections of peerings.yaml: intentions, failover and sameness
 * groups, written into ServiceIntentions, ServiceResolver and SamenessGroup resources
 * (consul-k8s control-plane/api/v1alpha1). Names and places are checked by semantic validation
 * (traffic-place.ts, check-*.ts), which can point at the field and name the fix.
 */
import * as z from 'zod';

/**
 * Where a traffic setting lives: `cluster` or `cluster/partition`, or `cluster` plus `partition`.
 * The shorthand is checked by semantic validation, which can point at the field.
 */
const placeFields = {
  cluster: z.string().min(1).describe('the cluster, or cluster/partition, whose install holds this setting'),
  partition: z
    .string()
    .min(1)
    .optional()
    .describe('admin partition (default: the one in cluster/partition, else default)'),
};

const serviceName = z
  .string()
  .min(1)
  .regex(/^[^*]+$/, { error: 'name one service: wildcards are not allowed here' })
  .describe('a Consul service name');

const serviceOrWildcard = z
  .string()
  .min(1)
  .regex(/^(\*|[^*]+)$/, {
    error: 'use a service name or * alone: Consul refuses partial wildcards such as web-*',
  })
  .describe('a Consul service name, or * for every service');

const consulNamespace = z.string().min(1).describe('Consul namespace (Enterprise; default: default)');

/** One source an intention admits or refuses: a service of a peer, or `*` for all of them. */
export const intentionSourceSchema = z.strictObject({
  peer: z
    .string()
    .min(1)
    .describe(
      "the peer name the destination's cluster and partition know the source by (as in exports consumers)",
    ),
  service: serviceOrWildcard.describe('the source service, or * for every service of that peer'),
  namespace: consulNamespace.optional().describe("the source service's Consul namespace (Enterprise)"),
  action: z
    .enum(['allow', 'deny'], { error: 'action must be "allow" or "deny"' })
    .describe('allow or deny connections from this source'),
});

/** The intentions of one destination service: meshpeer writes one ServiceIntentions for it. */
export const intentionSchema = z.strictObject({
  ...placeFields,
  destination: serviceName.describe('the destination service, in this cluster and partition'),
  namespace: consulNamespace.optional().describe("the destination's Consul namespace (Enterprise)"),
  sources: z
    .array(intentionSourceSchema)
    .min(1, { error: 'an intention needs at least one source' })
    .describe("sources from peers; the destination's install must export the destination to each peer"),
});

/** Failover of one service to peers in order, or to a sameness group (Enterprise). */
export const failoverSchema = z
  .strictObject({
    ...placeFields,
    service: serviceName.describe('the service that fails over, in this cluster and partition'),
    namespace: consulNamespace.optional().describe("the service's Consul namespace (Enterprise)"),
    targets: z
      .array(
        z.strictObject({
          peer: z
            .string()
            .min(1)
            .describe(
              'a peer name this cluster and partition know through a peering; it must export the service here',
            ),
        }),
      )
      .min(1, { error: 'list at least one failover target' })
      .optional()
      .describe('peers to try in order when no local instance is healthy'),
    samenessGroup: z
      .string()
      .min(1)
      .optional()
      .describe('a sameness group declared for this cluster and partition (Enterprise, Consul 1.16+)'),
  })
  .describe('exactly one of targets or samenessGroup');

/** A member of a sameness group: a partition of the same cluster, or a peer. */
const samenessMemberSchema = z
  .strictObject({
    partition: z.string().min(1).optional().describe('a partition of the same cluster'),
    peer: z
      .string()
      .min(1)
      .optional()
      .describe('a peer name this cluster and partition know through a peering'),
  })
  .describe('exactly one of partition or peer');

/** A sameness group (Consul Enterprise 1.16+): partitions and peers that run the same services. */
export const samenessGroupSchema = z.strictObject({
  ...placeFields,
  name: z
    .string()
    .min(1)
    .describe('the sameness group name (a DNS label: the SamenessGroup resource is named after it)'),
  defaultForFailover: z
    .boolean()
    .default(false)
    .describe("every service of this cluster and partition fails over through the group's members"),
  includeLocal: z.boolean().default(false).describe('the local partition is the first member'),
  members: z
    .array(samenessMemberSchema)
    .min(1, { error: 'a sameness group needs at least one member' })
    .describe('members in the order failover tries them'),
});
