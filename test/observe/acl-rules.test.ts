import { describe, expect, it } from 'vitest';
import { permissionsOf } from '../../src/consul/acl-rules.ts';

const ALL = [
  'mesh:read',
  'mesh:write',
  'node:read',
  'peering:read',
  'peering:write',
  'service:read',
  'service:write',
];

describe('ACL permissions from policy rules', () => {
  it("reads the Helm chart's mesh gateway policy (HCL)", () => {
    const rules = `mesh = "write"\npeering = "read"\npartition_prefix "" { peering = "read" }\nservice "mesh-gateway" { policy = "write" }\nnode_prefix "" { policy = "read" }\nservice_prefix "" { policy = "read" }`;
    expect(permissionsOf({ policies: [{ id: 'p1', rules }] })).toEqual([
      'mesh:read',
      'mesh:write',
      'node:read',
      'peering:read',
      'service:read',
      'service:write',
    ]);
  });

  it('finds the missing peering:read of gateway policies before consul-k8s#1685', () => {
    const rules = `mesh = "write"\nservice "mesh-gateway" { policy = "write" }\nservice_prefix "" { policy = "read" }`;
    expect(permissionsOf({ policies: [{ id: 'p1', rules }] })).not.toContain('peering:read');
  });

  it('falls back to operator for peering and mesh, as Consul does', () => {
    expect(permissionsOf({ policies: [{ id: 'p', rules: 'operator = "write"' }] })).toEqual([
      'mesh:read',
      'mesh:write',
      'peering:read',
      'peering:write',
    ]);
    expect(permissionsOf({ policies: [{ id: 'p', rules: 'operator = "write"\npeering = "read"' }] })).toEqual(
      ['mesh:read', 'mesh:write', 'peering:read'],
    );
  });

  it('reads JSON rules and the global-management policy', () => {
    expect(
      permissionsOf({
        policies: [{ id: 'p', rules: '{"peering":"write","service_prefix":{"":{"policy":"read"}}}' }],
      }),
    ).toEqual(['peering:read', 'peering:write', 'service:read']);
    expect(
      permissionsOf({ policies: [{ id: '00000000-0000-0000-0000-000000000001', rules: '' }] }),
    ).toContain('peering:write');
  });

  it('treats deny as no permission', () => {
    expect(permissionsOf({ policies: [{ id: 'p', rules: 'peering = "deny"\noperator = "write"' }] })).toEqual(
      ['mesh:read', 'mesh:write'],
    );
  });
});

describe('ACL permissions of a whole token: roles, identities, partitions', () => {
  // consul-k8s server-acl-init rules.go meshGatewayRules, default partition, partitions and namespaces on.
  const gatewayWithPartitions = `mesh = "write"
peering = "read"
partition_prefix "" {
  peering = "read"
  namespace_prefix "" {
    node_prefix "" {
      policy = "read"
    }
    service_prefix "" {
      policy = "read"
    }
  }
}
namespace "default" {
  service "mesh-gateway" {
     policy = "write"
  }
}`;

  it("reads the chart's gateway policy with partition and namespace blocks", () => {
    expect(permissionsOf({ policies: [{ id: 'p', rules: gatewayWithPartitions }] })).toEqual([
      'mesh:read',
      'mesh:write',
      'peering:read',
      'service:read',
      'service:write',
    ]);
  });

  it('counts rules inside partition blocks only for the partition asked about', () => {
    const rules =
      'partition "ap1" {\n  peering = "write"\n}\npartition_prefix "team-" {\n  mesh = "write"\n}';
    const policies = [{ id: 'p', rules }];
    expect(permissionsOf({ policies }, 'ap1')).toEqual(['peering:read', 'peering:write']);
    expect(permissionsOf({ policies }, 'team-a')).toEqual(['mesh:read', 'mesh:write']);
    expect(permissionsOf({ policies })).toEqual([]);
  });

  it('reads the connect injector\'s rules inside partition "default" (rules.go injectRules)', () => {
    const rules = `partition "default" {
  mesh = "write"
  acl = "write"
  peering = "write"
  node_prefix "" {
    policy = "write"
  }
  namespace_prefix "" {
    acl = "write"
    policy = "write"
    service_prefix "" {
      policy = "write"
      intentions = "write"
    }
  }
}`;
    expect(permissionsOf({ policies: [{ id: 'p', rules }] }, 'default')).toEqual(ALL);
  });

  it('ignores what Consul does not allow where it is written: operator in a partition, peering in a namespace', () => {
    const rules = 'partition "default" { operator = "write" }\nnamespace "default" { peering = "write" }';
    expect(permissionsOf({ policies: [{ id: 'p', rules }] })).toEqual([]);
  });

  it('expands service identities like Consul: the service and its sidecar write, all services read', () => {
    expect(permissionsOf({ policies: [], serviceIdentities: ['mesh-gateway'] })).toEqual([
      'node:read',
      'service:read',
      'service:write',
    ]);
    expect(permissionsOf({ policies: [], nodeIdentities: ['node-a'] })).toEqual(['service:read']);
  });

  it("unions a token's policies, its roles' policies and identities", () => {
    const token = { id: 't', rules: 'mesh = "write"' };
    const fromRole = { id: 'r', rules: 'peering = "read"' };
    expect(permissionsOf({ policies: [token, fromRole], serviceIdentities: ['mesh-gateway'] })).toEqual(
      ALL.filter((p) => p !== 'peering:write'),
    );
  });

  it('lets deny override read and write from any other policy, per resource', () => {
    const policies = [
      {
        id: 'a',
        rules: 'peering = "write"\nservice_prefix "" { policy = "read" }\nservice "web" { policy = "write" }',
      },
      { id: 'b', rules: 'peering = "deny"\nservice_prefix "" { policy = "deny" }' },
    ];
    expect(permissionsOf({ policies })).toEqual(['service:write']);
    const denyService = [...policies, { id: 'c', rules: 'service "web" { policy = "deny" }' }];
    expect(permissionsOf({ policies: denyService })).toEqual([]);
  });

  it('falls back to operator only when no policy has a peering or mesh rule', () => {
    expect(permissionsOf({ policies: [{ id: 'p', rules: 'operator = "read"' }] })).toEqual([
      'mesh:read',
      'peering:read',
    ]);
    const split = [
      { id: 'a', rules: 'operator = "write"' },
      { id: 'b', rules: 'mesh = "read"' },
    ];
    expect(permissionsOf({ policies: split })).toEqual(['mesh:read', 'peering:read', 'peering:write']);
  });

  it('reads JSON rules in object and list forms, with partition blocks', () => {
    const rules = JSON.stringify({
      partition_prefix: { '': { peering: 'read', service_prefix: { '': { policy: 'read' } } } },
      service: [{ 'mesh-gateway': { policy: 'write' } }],
    });
    expect(permissionsOf({ policies: [{ id: 'p', rules }] })).toEqual([
      'peering:read',
      'service:read',
      'service:write',
    ]);
  });

  it('reads comments, commas and one-line blocks', () => {
    const rules =
      '# gateway\npeering = "write" // needed\n/* all */ service_prefix "" { policy = "read", intentions = "read" }';
    expect(permissionsOf({ policies: [{ id: 'p', rules }] })).toEqual([
      'peering:read',
      'peering:write',
      'service:read',
    ]);
  });

  it('lets rules it cannot parse grant nothing while the other policies still count', () => {
    const policies = [
      { id: 'bad', rules: 'peering = <<EOF\nwrite\nEOF' },
      { id: 'good', rules: 'mesh = "read"' },
    ];
    expect(permissionsOf({ policies })).toEqual(['mesh:read']);
  });
});
