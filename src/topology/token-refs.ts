/** Where a cluster's ACL tokens live: meshpeer's own, and the mesh gateways' (the Helm chart's name by default). */
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

/** The Secret holding the mesh gateways' token in a cluster. */
export function meshGatewayTokenRef(spec: ClusterSpec, acls: AclSpec): TokenRef {
  const ref = acls.meshGatewayTokenSecret;
  return {
    namespace: ref?.namespace ?? spec.consul.namespace,
    name: ref?.secret ?? `${spec.consul.release}-mesh-gateway-acl-token`,
    key: ref?.key ?? 'token',
  };
}
