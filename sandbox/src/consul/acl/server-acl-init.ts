/**
 * What hashicorp/consul-k8s control-plane/subcommand/server-acl-init/command.go `Run` does to a
 * server, in its order, for the flags charts/consul/templates/server-acl-init-job.yaml passes.
 * The real job calls the HTTP API with the bootstrap token; this calls the same ACL tables
 * directly. Flags the sandbox's installs never set (-client, -sync-catalog, -snapshot-agent,
 * gateways other than the mesh gateway, replication, federation, Vault) are not simulated.
 */
import { ANONYMOUS_ACCESSOR_ID } from './acl-authorizer.ts';
import type { AclStore } from './acl-store.ts';
import { AclWriteError } from './acl-types.ts';
import { GLOBAL_MANAGEMENT_POLICY_ID } from './policy-table.ts';
import {
  agentRules,
  anonymousTokenRules,
  CONNECT_INJECT_OPERATOR_READ_RULES,
  crossNamespaceRules,
  injectRules,
  meshGatewayRules,
  PARTITION_RULES,
  type RulesData,
} from './server-acl-init-rules.ts';

/** The job's flags. */
export interface ServerAclInitFlags {
  /** `-resource-prefix`: the chart's `consul.fullname`. */
  readonly resourcePrefix: string;
  /** `CONSUL_PARTITION`: the install's admin partition, '' when admin partitions are off. */
  readonly partition: string;
  readonly peering: boolean;
  readonly meshGateway: boolean;
  readonly connectInject: boolean;
  readonly enableNamespaces: boolean;
  /** `-allow-dns`: the chart sets it when DNS is on, by default whenever transparent proxy is. */
  readonly allowDns: boolean;
  /** `-acl-binding-rule-selector` (chart default `serviceaccount.name!=default`). */
  readonly bindingRuleSelector: string;
  /** Renders the mesh gateway policy of charts before consul-k8s#1685, without peering read. */
  readonly gatewayPolicyLacksPeeringRead: boolean;
  /** The server pods' IPs, each gets a "Server Token for <ip>" (`-set-server-tokens`). */
  readonly serverAddresses: readonly string[];
}

/** The auth method every component logs in with. */
export function componentAuthMethodName(resourcePrefix: string): string {
  return `${resourcePrefix}-k8s-component-auth-method`;
}

/** server-acl-init against one server's ACL tables; `run` again is what `helm upgrade` does. */
export class ServerAclInit {
  /** The Kubernetes Secrets the job wrote (name to token), as its secrets backend holds them. */
  readonly secrets = new Map<string, string>();

  constructor(
    private readonly store: AclStore,
    private readonly flags: ServerAclInitFlags,
  ) {}

  /** One run of the job; throws where the real job would retry until it times out. */
  run(): void {
    const { flags } = this;
    this.bootstrap();
    const agent = this.createOrUpdatePolicy(
      'agent-token',
      'Agent Token Policy',
      agentRules(this.data()),
      null,
    );
    this.serverTokens(agent.Name);
    if (flags.partition === 'default') this.createAcl('partitions', PARTITION_RULES, true);
    if (flags.enableNamespaces) {
      // The real job also makes this the default policy of the `default` namespace (not modelled).
      const description = 'Policy to allow permissions to cross Consul namespaces for k8s services';
      this.createOrUpdatePolicy(
        'cross-namespace-policy',
        description,
        crossNamespaceRules(this.data()),
        null,
      );
    }
    const authMethod = componentAuthMethodName(flags.resourcePrefix);
    this.createAuthMethod(authMethod);
    if (flags.allowDns) this.anonymousPolicy();
    if (flags.connectInject) {
      const serviceMethod = this.withPrefix('k8s-auth-method');
      this.createAuthMethod(serviceMethod);
      this.createOrUpdateBindingRule({
        Description: 'Kubernetes binding rule',
        AuthMethod: serviceMethod,
        BindType: 'service',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a HIL bind name Consul interpolates, not a JS template.
        BindName: '${serviceaccount.name}',
        Selector: flags.bindingRuleSelector,
      });
      this.policyRoleAndBindingRule(
        'connect-inject',
        injectRules(this.data()),
        'connect-injector',
        authMethod,
      );
      if (flags.partition === '' || flags.partition === 'default')
        this.createAcl('connect-inject-operator-read', CONNECT_INJECT_OPERATOR_READ_RULES, false);
    }
    if (flags.meshGateway) {
      const rules = meshGatewayRules({
        ...this.data(),
        peering: flags.peering && !flags.gatewayPolicyLacksPeeringRead,
      });
      this.policyRoleAndBindingRule('mesh-gateway', rules, 'mesh-gateway', authMethod);
    }
  }

  /** `withPrefix`. */
  withPrefix(resource: string): string {
    return `${this.flags.resourcePrefix}-${resource}`;
  }

  private data(): RulesData {
    const { partition, peering, enableNamespaces } = this.flags;
    return { partitionName: partition, peering, namespaces: enableNamespaces };
  }

  /** `bootstrapServers`: ACL bootstrap once, its token kept in `<prefix>-bootstrap-acl-token`. */
  private bootstrap(): void {
    const name = this.withPrefix('bootstrap-acl-token');
    if (this.secrets.has(name)) return;
    const token = this.store.tokens.create({
      Description: 'Bootstrap Token (Global Management)',
      Policies: [{ ID: GLOBAL_MANAGEMENT_POLICY_ID }],
    });
    this.secrets.set(name, token.SecretID);
  }

  /** `setServerTokens`: one agent token per server, found again by description on a re-run. */
  private serverTokens(policyName: string): void {
    for (const ip of this.flags.serverAddresses) {
      const description = `Server Token for ${ip}`;
      const exists = this.store.tokens
        .list()
        .some(
          (t) =>
            t.Description === description && t.Policies?.length === 1 && t.Policies[0]?.Name === policyName,
        );
      if (!exists) this.store.tokens.create({ Description: description, Policies: [{ Name: policyName }] });
    }
  }

  /** `createOrUpdateACLPolicy`: create, or rewrite the policy with this name and description. */
  private createOrUpdatePolicy(name: string, description: string, rules: string, dcs: string[] | null) {
    const input = { Name: name, Description: description, Rules: rules, Datacenters: dcs };
    const existing = this.store.policies.byName(name);
    if (existing === undefined) return this.store.policies.put(input);
    if (existing.Description !== description) {
      throw new AclWriteError(
        500,
        `policy found with name ${JSON.stringify(name)} but not with expected description ${JSON.stringify(description)}; ` +
          'if this policy was created manually it must be renamed to something else because this name is reserved by consul-k8s',
      );
    }
    return this.store.policies.put({ ...input, ID: existing.ID });
  }

  /** `createACLPolicyRoleAndBindingRule` for a global policy in the primary datacenter. */
  private policyRoleAndBindingRule(
    component: string,
    rules: string,
    serviceAccount: string,
    method: string,
  ): void {
    const policyName = `${component}-policy`;
    this.createOrUpdatePolicy(policyName, `${policyName} Token Policy`, rules, null);
    const roleName = this.withPrefix(`${component}-acl-role`);
    const account = this.withPrefix(serviceAccount);
    const role = this.store.roles.stored(undefined, roleName);
    // `updateOrCreateACLRole` writes back the role it read: links added by hand survive.
    if (role !== undefined) this.store.roles.put({ ...role, Policies: role.PolicyIDs.map((ID) => ({ ID })) });
    else
      this.store.roles.put({
        Name: roleName,
        Description: `ACL Role for ${account}`,
        Policies: [{ Name: policyName }],
      });
    this.createOrUpdateBindingRule({
      Description: `Binding Rule for ${account}`,
      AuthMethod: method,
      Selector: `serviceaccount.name==${JSON.stringify(account)}`,
      BindType: 'role',
      BindName: roleName,
    });
  }

  /** `createOrUpdateBindingRule`: update the rule with the same BindName and Description, else create. */
  private createOrUpdateBindingRule(rule: {
    Description: string;
    AuthMethod: string;
    Selector: string;
    BindType: 'role' | 'service';
    BindName: string;
  }): void {
    const same = this.store.auth
      .listBindingRules(rule.AuthMethod)
      .filter((r) => r.BindName === rule.BindName && r.Description === rule.Description)
      .at(-1);
    this.store.auth.putBindingRule({ ...rule, ...(same !== undefined && { ID: same.ID }) });
  }

  /** `createAuthMethodTmpl` + `AuthMethodCreate` (an upsert by name). */
  private createAuthMethod(name: string): void {
    // The real Config also carries the CA and the JWT of the `<prefix>-auth-method` service
    // account, which the sandbox does not have: logins trust the bearer token (AclStore.login).
    this.store.auth.putMethod({
      Name: name,
      Type: 'kubernetes',
      Description: 'Kubernetes Auth Method',
      Config: { Host: 'https://kubernetes.default.svc' },
    });
  }

  /** `configureAnonymousPolicy`: once, then skipped while the anonymous token links the policy. */
  private anonymousPolicy(): void {
    const anonymous = this.store.tokens.get(ANONYMOUS_ACCESSOR_ID);
    if (anonymous?.Policies?.some((p) => p.Name === 'anonymous-token-policy')) return;
    const rules = anonymousTokenRules(this.data());
    this.createOrUpdatePolicy('anonymous-token-policy', 'Anonymous token Policy', rules, null);
    this.store.tokens.update(ANONYMOUS_ACCESSOR_ID, { Policies: [{ Name: 'anonymous-token-policy' }] });
  }

  /** `createACL`: policy `<name>-token`, a token for it and Secret `<prefix>-<name>-acl-token`. */
  private createAcl(name: string, rules: string, local: boolean): void {
    const policyName = `${name}-token`;
    const dcs = local ? [this.store.datacenter] : null;
    this.createOrUpdatePolicy(policyName, `${policyName} Token Policy`, rules, dcs);
    const secret = this.withPrefix(`${name}-acl-token`);
    if (this.secrets.has(secret)) return;
    const token = this.store.tokens.create({
      Description: `${policyName} Token`,
      Policies: [{ Name: policyName }],
      Local: local,
    });
    this.secrets.set(secret, token.SecretID);
  }
}
