/** Unit tests of the ACL rule parser and authorizer behind the simulated server's 403s. */
import { describe, expect, it } from 'vitest';
import { ANONYMOUS_ACCESSOR_ID, createAuthorizer } from '../../src/consul/acl/acl-authorizer.ts';
import { parseRules, RulesError } from '../../src/consul/acl/hcl-rules.ts';
import { meshGatewayRules } from '../../src/consul/acl/server-acl-init-rules.ts';

const authz = (rules: string, enterprise = false) =>
  createAuthorizer({ accessorID: 'acc-1', management: false, policies: [parseRules(rules)], enterprise });

describe('ACL rules', () => {
  it('parses HCL and JSON rules with blocks and comments', () => {
    const hcl = parseRules(
      '# gateway\npeering = "read"\nservice_prefix "" { policy = "read" }\n/* x */ node "n1" {\n policy = "write"\n}',
    );
    expect(hcl.peering).toBe('read');
    expect(hcl.services).toEqual([{ name: '', prefix: true, policy: 'read', intentions: 'read' }]);
    expect(hcl.nodes).toEqual([{ name: 'n1', prefix: false, policy: 'write' }]);
    const json = parseRules('{"mesh":"write","service":{"web":{"policy":"write"}}}');
    expect(json.mesh).toBe('write');
    expect(json.services).toEqual([{ name: 'web', prefix: false, policy: 'write', intentions: 'read' }]);
    expect(() => parseRules('peering = "admin"')).toThrow(RulesError);
    expect(() => parseRules('service "x" {')).toThrow(RulesError);
  });

  it('derives intention rules from service blocks as Consul does', () => {
    const a = authz(
      'service_prefix "" { policy = "read" }\nservice "api" { policy = "write"\n intentions = "write" }\nservice "db" { policy = "deny" }',
    );
    expect(a.allowed('intention', 'read', 'default', 'web')).toBe(true);
    expect(a.allowed('intention', 'write', 'default', 'web')).toBe(false);
    expect(a.allowed('intention', 'write', 'default', 'api')).toBe(true);
    expect(a.allowed('intention', 'read', 'default', 'db')).toBe(false);
    expect(() => a.require('intention', 'write', 'default', 'web')).toThrow(
      'lacks permission \'intention:write\' on "web"',
    );
    expect(() => parseRules('service "x" { policy = "read"\n intentions = "all" }')).toThrow(
      'Invalid service "x" intentions policy: "all"',
    );
  });

  it('falls back to operator, prefers exact service rules and lets deny win', () => {
    const a = authz(
      'operator = "read"\nservice_prefix "" { policy = "read" }\nservice "db" { policy = "deny" }',
    );
    expect(a.allowed('peering', 'read', 'default')).toBe(true);
    expect(a.allowed('peering', 'write', 'default')).toBe(false);
    expect(a.allowed('service', 'read', 'default', 'web')).toBe(true);
    expect(a.allowed('service', 'read', 'default', 'db')).toBe(false);
    expect(() => a.require('mesh', 'write', 'default')).toThrow(
      "token with AccessorID 'acc-1' lacks permission 'mesh:write'",
    );
    expect(() => a.require('service', 'write', 'default', 'web')).toThrow(
      'lacks permission \'service:write\' on "web"',
    );
  });

  it('reads imported nodes and services only with service:write anywhere or read on all', () => {
    const readAll = authz('node_prefix "" { policy = "read" }\nservice_prefix "" { policy = "read" }');
    expect(readAll.allowedImported('node', 'default')).toBe(true);
    expect(readAll.allowedImported('service', 'default')).toBe(true);
    const named = authz('node "n1" { policy = "read" }\nservice "api" { policy = "read" }');
    expect(named.allowedImported('node', 'default')).toBe(false);
    expect(named.allowedImported('service', 'default')).toBe(false);
    const writer = authz('service "web" { policy = "write" }');
    expect(writer.allowedImported('node', 'default')).toBe(true);
    const denied = authz('node_prefix "" { policy = "read" }\nnode "n1" { policy = "deny" }');
    expect(denied.allowedImported('node', 'default')).toBe(false);
  });

  it('scopes rules by partition on enterprise', () => {
    const a = authz('peering = "write"\npartition "ap1" { peering = "read" }', true);
    expect(a.allowed('peering', 'write', 'default')).toBe(true);
    expect(a.allowed('peering', 'write', 'ap1')).toBe(false);
    expect(a.allowed('peering', 'read', 'ap1')).toBe(true);
    expect(a.allowed('peering', 'read', 'ap2')).toBe(false);
    const rules = (peering: boolean) =>
      meshGatewayRules({ partitionName: 'default', peering, namespaces: true });
    const gateway = authz(rules(true), true);
    expect(gateway.allowed('peering', 'read', 'ap2')).toBe(true);
    expect(gateway.allowed('service', 'write', 'default', 'mesh-gateway')).toBe(true);
    expect(gateway.allowed('service', 'read', 'ap2', 'web')).toBe(true);
    expect(authz(rules(false), true).allowed('peering', 'read', 'default')).toBe(false);
  });

  it('words denials of the anonymous token like Consul', () => {
    const anonymous = createAuthorizer({
      accessorID: ANONYMOUS_ACCESSOR_ID,
      management: false,
      policies: [],
      enterprise: false,
    });
    expect(() => anonymous.require('peering', 'read', 'default')).toThrow(
      "Permission denied: anonymous token lacks permission 'peering:read'. The anonymous token is used implicitly",
    );
  });
});
