import { describe, expect, it } from 'vitest';
import { permissionsFromPolicies } from '../../src/consul/acl-rules.ts';

describe('ACL permissions from policy rules', () => {
  it("reads the Helm chart's mesh gateway policy (HCL)", () => {
    const rules = `mesh = "write"\npeering = "read"\npartition_prefix "" { peering = "read" }\nservice "mesh-gateway" { policy = "write" }\nnode_prefix "" { policy = "read" }\nservice_prefix "" { policy = "read" }`;
    expect(permissionsFromPolicies([{ id: 'p1', rules }])).toEqual([
      'mesh:read',
      'mesh:write',
      'peering:read',
      'service:read',
      'service:write',
    ]);
  });

  it('finds the missing peering:read of gateway policies before consul-k8s#1685', () => {
    const rules = `mesh = "write"\nservice "mesh-gateway" { policy = "write" }\nservice_prefix "" { policy = "read" }`;
    expect(permissionsFromPolicies([{ id: 'p1', rules }])).not.toContain('peering:read');
  });

  it('falls back to operator for peering and mesh, as Consul does', () => {
    expect(permissionsFromPolicies([{ id: 'p', rules: 'operator = "write"' }])).toEqual([
      'mesh:read',
      'mesh:write',
      'peering:read',
      'peering:write',
    ]);
    expect(permissionsFromPolicies([{ id: 'p', rules: 'operator = "write"\npeering = "read"' }])).toEqual([
      'mesh:read',
      'mesh:write',
      'peering:read',
    ]);
  });

  it('reads JSON rules and the global-management policy', () => {
    expect(
      permissionsFromPolicies([
        { id: 'p', rules: '{"peering":"write","service_prefix":{"":{"policy":"read"}}}' },
      ]),
    ).toEqual(['peering:read', 'peering:write', 'service:read']);
    expect(permissionsFromPolicies([{ id: '00000000-0000-0000-0000-000000000001', rules: '' }])).toContain(
      'peering:write',
    );
  });

  it('treats deny as no permission', () => {
    expect(permissionsFromPolicies([{ id: 'p', rules: 'peering = "deny"\noperator = "write"' }])).toEqual([
      'mesh:read',
      'mesh:write',
    ]);
  });
});
