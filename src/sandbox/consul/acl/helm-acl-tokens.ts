/**
 * The tokens a Consul Helm install with `global.acls.manageSystemACLs` has (spec 5.2): bootstrap
 * (global-management), mesh gateway and connect-injector, each with the chart's policy.
 */
import {
  AclStore,
  CONNECT_INJECT_RULES,
  CONNECT_INJECT_RULES_PARTITIONS,
  GLOBAL_MANAGEMENT_POLICY_ID,
  meshGatewayRules,
} from './acl-store.ts';

/** SecretIDs of the pre-created tokens, to be written into Kubernetes Secrets (key `token`). */
export interface HelmAclTokens {
  /** For Secret `consul-bootstrap-acl-token`. */
  readonly bootstrapToken: string;
  /** For Secret `consul-mesh-gateway-acl-token`. */
  readonly meshGatewayToken: string;
  /** The connect-injector's token (it runs the peering controllers). */
  readonly injectorToken: string;
}

/** Creates the ACL store with the chart's policies and tokens. */
export function createHelmAcls(options: {
  readonly enterprise: boolean;
  readonly gatewayPolicyLacksPeeringRead: boolean;
  readonly nextIndex: () => number;
}): { store: AclStore; tokens: HelmAclTokens } {
  const store = new AclStore(options.enterprise, options.nextIndex);
  const bootstrap = store.putToken({
    Description: 'Bootstrap Token (Global Management)',
    Policies: [{ ID: GLOBAL_MANAGEMENT_POLICY_ID }],
  });
  const gatewayPolicy = store.putPolicy({
    Name: 'mesh-gateway-policy',
    Description: 'mesh-gateway Token Policy',
    Rules: meshGatewayRules(options.gatewayPolicyLacksPeeringRead),
  });
  const gateway = store.putToken({ Description: 'mesh-gateway Token', Policies: [{ ID: gatewayPolicy.ID }] });
  const injectorPolicy = store.putPolicy({
    Name: 'connect-inject-policy',
    Description: 'connect-inject Token Policy',
    Rules: options.enterprise ? CONNECT_INJECT_RULES_PARTITIONS : CONNECT_INJECT_RULES,
  });
  const injector = store.putToken({
    Description: 'connect-inject Token',
    Policies: [{ ID: injectorPolicy.ID }],
  });
  return {
    store,
    tokens: {
      bootstrapToken: bootstrap.SecretID,
      meshGatewayToken: gateway.SecretID,
      injectorToken: injector.SecretID,
    },
  };
}
