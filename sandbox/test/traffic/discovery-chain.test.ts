/**
 * The targets the data plane reads from the compiled discovery chain (agent/consul/discoverychain/
 * compile.go): the service first, then the resolver's failover targets in order, sameness group
 * members, the partition's default sameness group; and Envoy's endpoint health.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from '../../src/consul/config-entry-store.ts';
import { compileChain, isHealthy, meshGatewayModeOf } from '../../src/traffic/discovery-chain.ts';

const where = { datacenter: 'dc1', trustDomain: '11111111-2222-3333-4444-555555555555.consul' };
const entry = (fields: Record<string, unknown> & { Kind: string; Name: string }): ConfigEntry => ({
  ...fields,
  CreateIndex: 1,
  ModifyIndex: 1,
});

const local = { service: 'static-server', namespace: 'default', partition: 'default', peer: '' };
const peerTarget = (peer: string) => ({ ...local, peer });

describe('compileChain', () => {
  it('is the service alone without a resolver or sameness group', () => {
    expect(compileChain('static-server', 'default', 'default', where)).toEqual([local]);
  });

  it('appends the failover targets in order, the namespace default for a peer target', () => {
    const resolver = entry({
      Kind: 'service-resolver',
      Name: 'static-server',
      Failover: { '*': { Targets: [{ Peer: 'cluster-02' }, { Peer: 'cluster-03', Service: 'backup' }] } },
    });
    expect(compileChain('static-server', 'default', 'default', { ...where, resolver })).toEqual([
      local,
      peerTarget('cluster-02'),
      { ...peerTarget('cluster-03'), service: 'backup' },
    ]);
  });

  it('drops a failover target equal to the service itself', () => {
    const resolver = entry({
      Kind: 'service-resolver',
      Name: 'static-server',
      Failover: { '*': { Targets: [{ Partition: 'default' }, { Peer: 'cluster-02' }] } },
    });
    expect(compileChain('static-server', 'default', 'default', { ...where, resolver })).toEqual([
      local,
      peerTarget('cluster-02'),
    ]);
  });

  it("takes a named sameness group's members, skipping the caller's own partition", () => {
    const group = entry({
      Kind: 'sameness-group',
      Name: 'group',
      Members: [{ Partition: 'default' }, { Peer: 'cluster-02' }, { Partition: 'retail' }],
    });
    const resolver = entry({
      Kind: 'service-resolver',
      Name: 'static-server',
      Failover: { '*': { SamenessGroup: 'group' } },
    });
    expect(
      compileChain('static-server', 'default', 'default', { ...where, resolver, samenessGroups: [group] }),
    ).toEqual([local, peerTarget('cluster-02'), { ...local, partition: 'retail' }]);
  });

  it('uses the DefaultForFailover sameness group only when the resolver sets no failover', () => {
    const group = entry({
      Kind: 'sameness-group',
      Name: 'g',
      DefaultForFailover: true,
      Members: [{ Peer: 'cluster-09' }],
    });
    expect(
      compileChain('static-server', 'default', 'default', { ...where, samenessGroups: [group] }),
    ).toEqual([local, peerTarget('cluster-09')]);
    const resolver = entry({
      Kind: 'service-resolver',
      Name: 'static-server',
      Failover: { '*': { Targets: [{ Peer: 'cluster-02' }] } },
    });
    expect(
      compileChain('static-server', 'default', 'default', { ...where, resolver, samenessGroups: [group] }),
    ).toEqual([local, peerTarget('cluster-02')]);
  });
});

describe('endpoint health and gateway mode', () => {
  it('counts critical and maintenance as unhealthy, warning as healthy', () => {
    expect(isHealthy([{ Status: 'passing' }, { Status: 'warning' }])).toBe(true);
    expect(isHealthy([{ Status: 'passing' }, { Status: 'critical' }])).toBe(false);
    expect(isHealthy([{ Status: 'maintenance' }])).toBe(false);
  });

  it("reads proxy-defaults' MeshGateway.Mode, empty when unset", () => {
    expect(
      meshGatewayModeOf({ Kind: 'proxy-defaults', Name: 'global', MeshGateway: { Mode: 'local' } }),
    ).toBe('local');
    expect(meshGatewayModeOf(undefined)).toBe('');
  });
});
