/**
 * The policies Consul synthesizes for service and node identities, with the rules of
 * hashicorp/consul agent/structs/acl_ce.go (`aclPolicyTemplateServiceIdentity`,
 * `aclPolicyTemplateNodeIdentity`).
 */
import type { NodeIdentity, ServiceIdentity } from './acl-types.ts';

/** The rules a service identity grants: write on the service and its sidecar, read on the rest. */
export function serviceIdentityRules(identity: ServiceIdentity): string {
  const name = JSON.stringify(identity.ServiceName);
  const sidecar = JSON.stringify(`${identity.ServiceName}-sidecar-proxy`);
  return (
    `service ${name} {\n  policy = "write"\n}\n` +
    `service ${sidecar} {\n  policy = "write"\n}\n` +
    'service_prefix "" {\n  policy = "read"\n}\n' +
    'node_prefix "" {\n  policy = "read"\n}\n'
  );
}

/** The rules a node identity grants: write on the node, read on every service. */
export function nodeIdentityRules(identity: NodeIdentity): string {
  return (
    `node ${JSON.stringify(identity.NodeName)} {\n  policy = "write"\n}\n` +
    'service_prefix "" {\n  policy = "read"\n}\n'
  );
}
