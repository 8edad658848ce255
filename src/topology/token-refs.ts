/** Where a cluster's ACL tokens live: meshpeer's own, and a static mesh gateway token when one is named. */
import type { AclSpec, ClusterSpec } from './topology.ts';

/** A Secret key holding a token. */
export interface TokenRef {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/** The Secret holding meshpeer's own Consul token in a cluster, if the topology names one. */
export function aclTokenRef(spec: ClusterSpec): TokenRef | undefined {
  const ref = spec.consul.aclToken;
  return ref && { namespace: ref.namespace ?? spec.consul.namespace, name: ref.secret, key: ref.key };
}

/**
 * The Secret holding the mesh gateways' static token, when peerings.yaml names one. With managed
 * ACLs there is none: the gateways log in and get a token bound to the chart's role.
 */
export function meshGatewayTokenRef(spec: ClusterSpec, acls: AclSpec): TokenRef | undefined {
  const ref = acls.meshGatewayTokenSecret;
  return (
    ref && { namespace: ref.namespace ?? spec.consul.namespace, name: ref.secret, key: ref.key ?? 'token' }
  );
}
