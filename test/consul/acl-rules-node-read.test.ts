/**
 * node:read from policy rules, as hashicorp/consul acl/policy_authorizer.go NodeReadAll decides it:
 * a `node_prefix ""` rule granting read (or write) and no node rule denying.
 */
import { describe, expect, it } from 'vitest';
import { permissionsOf } from '../../src/consul/acl-rules.ts';

const held = (...rules: string[]) =>
  permissionsOf({ policies: rules.map((r, i) => ({ id: `p${i}`, rules: r })) });

describe('node:read', () => {
  it('is granted by node_prefix "" with read or write', () => {
    expect(held('node_prefix "" { policy = "read" }')).toEqual(['node:read']);
    expect(held('node_prefix "" { policy = "write" }')).toEqual(['node:read']);
    expect(held('{"node_prefix":{"":{"policy":"read"}}}')).toEqual(['node:read']);
  });

  it('is not granted without a catch-all node rule', () => {
    expect(held('service_prefix "" { policy = "read" }')).toEqual(['service:read']);
    expect(held('node "consul-server-0" { policy = "read" }')).toEqual([]);
    expect(held('node_prefix "consul-" { policy = "read" }')).toEqual([]);
  });

  it('is lost to a deny on any node, from any policy, as allAllowed walks every rule', () => {
    expect(held('node_prefix "" { policy = "read" }\nnode "n1" { policy = "deny" }')).toEqual([]);
    expect(held('node_prefix "" { policy = "read" }', 'node_prefix "" { policy = "deny" }')).toEqual([]);
  });

  it('counts node rules in partition blocks, not in namespace blocks', () => {
    const inPartition = 'partition "default" { node_prefix "" { policy = "read" } }';
    expect(held(inPartition)).toEqual(['node:read']);
    expect(permissionsOf({ policies: [{ id: 'p', rules: inPartition }] }, 'ap1')).toEqual([]);
    expect(held('namespace "default" { node_prefix "" { policy = "read" } }')).toEqual([]);
  });

  it('comes with the global-management policy and service identities', () => {
    expect(
      permissionsOf({ policies: [{ id: '00000000-0000-0000-0000-000000000001', rules: '' }] }),
    ).toContain('node:read');
    expect(permissionsOf({ policies: [], serviceIdentities: ['web'] })).toContain('node:read');
    expect(permissionsOf({ policies: [], nodeIdentities: ['n1'] })).not.toContain('node:read');
  });
});
