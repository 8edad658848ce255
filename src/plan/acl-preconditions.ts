/**
 * ACL preconditions: peerings.yaml and the install must agree on ACLs, and meshpeer's own token
 * must hold what it needs. Each mismatch is named as such, never as an unreachable API.
 */

import type { ObservedCluster } from '../observe/observed-state.ts';
import { fullnameOf, installNames } from '../resources/consul-chart.ts';
import { type ClusterSpec, installPath, type Topology } from '../topology/index.ts';
import type { PlanError } from './plan.ts';

function error(cluster: ClusterSpec, code: PlanError['code'], message: string, fix: string): PlanError {
  return { id: `acl/${cluster.name}`, code, cluster: cluster.name, message, fix };
}

function tokenSecretText(cluster: ClusterSpec): string {
  const ref = cluster.consul.aclToken;
  return ref === undefined ? 'the Secret in consul.aclToken' : `Secret ${ref.namespace}/${ref.secret}`;
}

const ruleText = (permission: string) => {
  const [resource = '', level = ''] = permission.split(':');
  return resource === 'service' || resource === 'node'
    ? `${resource}_prefix "" { policy = "${level}" }`
    : `${resource} = "${level}"`;
};

/** ACL problems of one reachable cluster. */
export function aclErrors(cluster: ClusterSpec, observed: ObservedCluster, topology: Topology): PlanError[] {
  if (!observed.consul.reachable) return [];
  const bootstrap = installNames(fullnameOf(cluster.consul, observed.install)).bootstrapAclToken;
  if (observed.consul.aclRequired) {
    return [
      error(
        cluster,
        'acl_mismatch',
        `Consul in ${cluster.name} runs with ACLs (it answered 403 Permission denied), but peerings.yaml does not set acls.enabled`,
        `set acls.enabled: true and ${installPath(cluster)}.consul.aclToken to a Secret holding meshpeer's token (with managed ACLs, ${bootstrap} works but is global-management)`,
      ),
    ];
  }
  const acl = observed.consul.acl;
  if (!topology.acls.enabled || acl === undefined) return [];
  if (acl.disabled) {
    return [
      error(
        cluster,
        'acl_mismatch',
        `peerings.yaml sets acls.enabled, but Consul in ${cluster.name} runs without ACLs ("ACL support disabled")`,
        `set acls.enabled: false in peerings.yaml, or enable ACLs in the install (helm upgrade ${cluster.consul.release} hashicorp/consul --reuse-values --set global.acls.manageSystemACLs=true)`,
      ),
    ];
  }
  if (acl.tokenMissing !== undefined) {
    return [
      error(
        cluster,
        'acl_token_missing',
        `meshpeer's Consul token Secret ${acl.tokenMissing} was not found`,
        `create it (kubectl -n ${cluster.consul.namespace} create secret generic ...) or point ${installPath(cluster)}.consul.aclToken at the Secret that holds the token`,
      ),
    ];
  }
  const held = acl.reconcilerPermissions ?? [];
  const missing = topology.acls.reconcilerRequires.filter((p) => !held.includes(p));
  const errors: PlanError[] = [];
  if (missing.length > 0) {
    errors.push(
      error(
        cluster,
        'acl_permission',
        `meshpeer's Consul token lacks ${missing.join(', ')}`,
        `add ${missing.map(ruleText).join(', ')} to a policy (or role) of the token in ${tokenSecretText(cluster)}`,
      ),
    );
  }
  if (acl.meshGateway?.via === 'none') {
    errors.push({
      ...error(
        cluster,
        'acl_gateway_unknown',
        `cannot tell what the mesh gateways may do: ${acl.meshGateway.why}`,
        '',
      ),
      id: `acl-gateway/${cluster.name}`,
      fix: "set acls.meshGateway.tokenSecret to the Secret holding the gateways' token, or install with global.acls.manageSystemACLs=true",
    });
  }
  return errors;
}
