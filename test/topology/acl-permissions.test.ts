/** The ACL permission vocabulary of peerings.yaml: node:read and the reconciler's default list. */
import { describe, expect, it } from 'vitest';
import { problems, topology } from './traffic-support.ts';

const secured = (...acls: string[]) => [
  'apiVersion: meshpeer.dev/v1alpha1',
  'kind: PeeringTopology',
  'metadata: { name: t }',
  'clusters:',
  '  - name: cluster-01',
  '    consul:',
  '      aclToken: { secret: consul-bootstrap-acl-token }',
  'acls:',
  '  enabled: true',
  ...acls,
];

describe('ACL permissions in peerings.yaml', () => {
  it('accepts node:read in the reconciler and gateway lists', () => {
    const t = topology(
      ...secured(
        '  reconciler:',
        '    require: [peering:write, node:read]',
        '  meshGateway:',
        '    require: [service:write, node:read]',
      ),
    );
    expect(t.acls.reconcilerRequires).toEqual(['peering:write', 'node:read']);
    expect(t.acls.meshGatewayRequires).toEqual(['service:write', 'node:read']);
  });

  it("requires node:read of meshpeer's token by default, since Consul filters catalog and health by node", () => {
    const defaults = ['peering:write', 'peering:read', 'mesh:write', 'service:read', 'node:read'];
    expect(topology(...secured()).acls.reconcilerRequires).toEqual(defaults);
    expect(topology(...secured('  reconciler: {}')).acls.reconcilerRequires).toEqual(defaults);
  });

  it('still refuses permissions outside the vocabulary, listing node:read', () => {
    expect(problems(...secured('  reconciler:', '    require: [peering:write, node:write]'))).toEqual([
      'p.yaml:11:30: "node:write" is not allowed here: use one of service:read, service:write, node:read, mesh:read, mesh:write, peering:read, peering:write',
    ]);
  });
});
