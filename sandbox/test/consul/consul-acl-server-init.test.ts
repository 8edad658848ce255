/**
 * createHelmAcls against consul-k8s server-acl-init: the objects a managed-ACL install has and
 * their names, component logins bound to roles, and what a re-run (`helm upgrade`) rewrites.
 */
import { describe, expect, it } from 'vitest';
import { ANONYMOUS_ACCESSOR_ID } from '../../src/consul/acl/acl-authorizer.ts';
import type { AclStore } from '../../src/consul/acl/acl-store.ts';
import { createHelmAcls, type HelmAclInput } from '../../src/consul/acl/helm-acl-tokens.ts';

function install(overrides: Partial<HelmAclInput> = {}) {
  let index = 0;
  return createHelmAcls({
    enterprise: false,
    resourcePrefix: 'consul-consul',
    partition: 'default',
    peering: true,
    meshGateway: true,
    connectInject: true,
    enableNamespaces: false,
    gatewayPolicyLacksPeeringRead: false,
    nextIndex: () => ++index,
    ...overrides,
  });
}

function roleNamesOf(store: AclStore, secret: string): string[] {
  const token = store.tokens.bySecret(secret);
  return (token?.RoleIDs ?? []).map((id) => store.roles.stored(id)?.Name ?? '');
}

describe('server-acl-init in the sandbox', () => {
  it('creates the bootstrap token Secret, the auth methods, and a policy, role and rule per component', () => {
    const { store, tokens } = install();
    expect(tokens.secrets().map((s) => s.name)).toEqual([
      'consul-consul-bootstrap-acl-token',
      'consul-consul-connect-inject-operator-read-acl-token',
    ]);
    expect(tokens.secrets()[0]?.value).toBe(tokens.bootstrapToken);
    expect(store.auth.listMethods().map((m) => m.Name)).toEqual([
      'consul-consul-k8s-auth-method',
      'consul-consul-k8s-component-auth-method',
    ]);
    expect(store.auth.listBindingRules('consul-consul-k8s-component-auth-method')).toMatchObject([
      {
        Description: 'Binding Rule for consul-consul-connect-injector',
        Selector: 'serviceaccount.name=="consul-consul-connect-injector"',
        BindType: 'role',
        BindName: 'consul-consul-connect-inject-acl-role',
      },
      {
        Description: 'Binding Rule for consul-consul-mesh-gateway',
        Selector: 'serviceaccount.name=="consul-consul-mesh-gateway"',
        BindType: 'role',
        BindName: 'consul-consul-mesh-gateway-acl-role',
      },
    ]);
    expect(store.auth.listBindingRules('consul-consul-k8s-auth-method')).toMatchObject([
      {
        Selector: 'serviceaccount.name!=default',
        BindType: 'service',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Consul's HIL bind name, not a JS template.
        BindName: '${serviceaccount.name}',
      },
    ]);
    expect(store.roles.byName('consul-consul-mesh-gateway-acl-role')).toMatchObject({
      Description: 'ACL Role for consul-consul-mesh-gateway',
      Policies: [{ Name: 'mesh-gateway-policy' }],
    });
    expect(store.policies.byName('mesh-gateway-policy')?.Description).toBe(
      'mesh-gateway-policy Token Policy',
    );
    expect(store.policies.list().map((p) => p.Name)).toEqual([
      'global-management',
      'agent-token',
      'anonymous-token-policy',
      'connect-inject-policy',
      'connect-inject-operator-read-token',
      'mesh-gateway-policy',
    ]);
    expect(store.tokens.get(ANONYMOUS_ACCESSOR_ID)?.Policies?.map((p) => p.Name)).toEqual([
      'anonymous-token-policy',
    ]);
  });

  it('gives components login tokens bound to their roles, never a policy', () => {
    const { store, tokens } = install();
    for (const [secret, role] of [
      [tokens.meshGatewayToken, 'consul-consul-mesh-gateway-acl-role'],
      [tokens.injectorToken, 'consul-consul-connect-inject-acl-role'],
    ] as const) {
      const token = store.tokens.bySecret(secret);
      expect(token?.PolicyIDs).toEqual([]);
      expect(token?.AuthMethod).toBe('consul-consul-k8s-component-auth-method');
      expect(token?.Local).toBe(true);
      expect(roleNamesOf(store, secret)).toEqual([role]);
    }
    expect(store.authorizer(tokens.meshGatewayToken).allowed('peering', 'read', 'default')).toBe(true);
    expect(store.authorizer(tokens.meshGatewayToken).allowed('peering', 'write', 'default')).toBe(false);
    expect(store.authorizer(tokens.injectorToken).allowed('peering', 'write', 'default')).toBe(true);
    expect(() => tokens.login('consul-consul-server')).toThrow('Permission denied');
  });

  it('names every object after the resource prefix', () => {
    const named = install({ resourcePrefix: 'consul' });
    expect(named.tokens.componentAuthMethod).toBe('consul-k8s-component-auth-method');
    expect(named.tokens.secrets()[0]?.name).toBe('consul-bootstrap-acl-token');
    expect(roleNamesOf(named.store, named.login('consul-mesh-gateway'))).toEqual([
      'consul-mesh-gateway-acl-role',
    ]);
    expect(() => named.login('consul-consul-mesh-gateway')).toThrow('Permission denied');
  });

  it('renders the gateway policy of charts before consul-k8s#1685 without peering read', () => {
    const { store, tokens } = install({ gatewayPolicyLacksPeeringRead: true });
    expect(store.policies.byName('mesh-gateway-policy')?.Rules).not.toContain('peering');
    expect(store.authorizer(tokens.meshGatewayToken).allowed('peering', 'read', 'default')).toBe(false);
    expect(store.authorizer(tokens.meshGatewayToken).allowed('mesh', 'write', 'default')).toBe(true);
  });

  it('rewrites its policies on a re-run and keeps the role as it reads it', () => {
    const acls = install({ gatewayPolicyLacksPeeringRead: true });
    const { store } = acls;
    const policy = store.policies.byName('mesh-gateway-policy');
    if (policy === undefined) throw new Error('the gateway policy must exist');
    store.policies.put({ ...policy, Rules: `${policy.Rules}\npeering = "read"` });
    const extra = store.policies.put({ Name: 'gateway-extra', Rules: 'operator = "read"' });
    const role = store.roles.stored(undefined, 'consul-consul-mesh-gateway-acl-role');
    if (role === undefined) throw new Error('the gateway role must exist');
    store.roles.put({ ...role, Policies: [...role.PolicyIDs, extra.ID].map((ID) => ({ ID })) });
    const rulesBefore = store.auth.listBindingRules().length;
    acls.rerun();
    expect(store.policies.byName('mesh-gateway-policy')?.Rules).toBe(policy.Rules);
    expect(store.roles.byName('consul-consul-mesh-gateway-acl-role')?.Policies?.map((p) => p.Name)).toEqual([
      'mesh-gateway-policy',
      'gateway-extra',
    ]);
    expect(store.auth.listBindingRules()).toHaveLength(rulesBefore);
    expect(acls.tokens.secrets().map((s) => s.value)).toContain(acls.bootstrapToken);
    expect(store.authorizer(acls.tokens.meshGatewayToken).allowed('operator', 'read', 'default')).toBe(true);
  });

  it('stops on a policy of its own name that someone gave another description', () => {
    const acls = install();
    const policy = acls.store.policies.byName('mesh-gateway-policy');
    if (policy === undefined) throw new Error('the gateway policy must exist');
    acls.store.policies.put({ ...policy, Description: 'ours now' });
    expect(() => acls.rerun()).toThrow(
      'policy found with name "mesh-gateway-policy" but not with expected description "mesh-gateway-policy Token Policy"',
    );
  });

  it('scopes the rules to the partition and writes the partitions token on an enterprise default partition', () => {
    const { store, tokens } = install({ enterprise: true, enableNamespaces: true });
    expect(tokens.secrets().map((s) => s.name)).toContain('consul-consul-partitions-acl-token');
    expect(store.policies.byName('connect-inject-policy')?.Rules).toContain('partition "default" {');
    expect(store.policies.byName('partitions-token')?.Datacenters).toEqual(['dc1']);
    const gateway = store.authorizer(tokens.meshGatewayToken);
    expect(gateway.allowed('peering', 'read', 'ap1')).toBe(true);
    expect(gateway.allowed('service', 'write', 'default', 'mesh-gateway')).toBe(true);
  });

  it('leaves out the components an install does not run', () => {
    const { store, tokens } = install({ meshGateway: false, connectInject: false, allowDns: false });
    expect(store.roles.list()).toEqual([]);
    expect(store.auth.listMethods().map((m) => m.Name)).toEqual(['consul-consul-k8s-component-auth-method']);
    expect(() => tokens.meshGatewayToken).toThrow('the install runs no mesh-gateway');
    expect(store.tokens.get(ANONYMOUS_ACCESSOR_ID)?.Policies).toBeUndefined();
  });
});
