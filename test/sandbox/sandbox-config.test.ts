import { describe, expect, it } from 'vitest';
import {
  clusterInstall,
  defaultSandboxConfig,
  parseSandboxConfig,
  sandboxConfigFromTopology,
} from '../../src/sandbox/sandbox-config.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';

describe('sandbox configuration', () => {
  it('defaults to clusters that run every example: peering, TLS, gateways, connect-inject, Consul 1.20', () => {
    const config = defaultSandboxConfig(3);
    expect(config.clusters.map((c) => [c.name, c.datacenter])).toEqual([
      ['cluster-01', 'cluster-01'],
      ['cluster-02', 'cluster-02'],
      ['cluster-03', 'cluster-03'],
    ]);
    const [first] = config.clusters;
    expect(first?.helm).toMatchObject({
      release: 'consul',
      namespace: 'consul',
      chartVersion: '1.6.2',
      consulVersion: '1.20.1',
    });
    // The seed's example values: global.name consul, TLS with the chart's httpsOnly default.
    expect(first && clusterInstall(first)).toMatchObject({
      fullname: 'consul',
      serverReplicas: 1,
      switches: {
        peeringEnabled: true,
        tlsEnabled: true,
        httpsOnly: true,
        meshGatewayEnabled: true,
        connectInjectEnabled: true,
        manageSystemACLs: false,
      },
    });
    // Consul's own intervals (peerstream/server.go), not shortened by default.
    expect(config.consul).toEqual({ heartbeatIntervalMs: 15_000, idleTimeoutMs: 120_000 });
  });

  it('reads a YAML file with Helm values that switch features off, old versions, ACLs and services', () => {
    const config = parseSandboxConfig(
      [
        'clusters:',
        '  - name: east',
        '    datacenter: dc1',
        '    acls: { enabled: true, gatewayPolicyLacksPeeringRead: true }',
        '    services: [{ name: api, instances: 2 }]',
        '  - name: west',
        '    enterprise: true',
        '    partitions: [finance]',
        '    helm:',
        '      chartVersion: 0.49.0',
        '      consulVersion: 1.13.2',
        '      values: { meshGateway: { enabled: false }, global: { peering: { enabled: false } } }',
        'controllers: { resyncMs: 500 }',
      ].join('\n'),
      'sandbox.yaml',
    );
    const [east, west] = config.clusters;
    expect(east).toMatchObject({
      datacenter: 'dc1',
      acls: { enabled: true, gatewayPolicyLacksPeeringRead: true },
    });
    expect(east && clusterInstall(east).switches).toMatchObject({ manageSystemACLs: true });
    expect(west).toMatchObject({ enterprise: true, partitions: ['default', 'finance'] });
    expect(west && clusterInstall(west).switches).toMatchObject({
      peeringEnabled: false,
      meshGatewayEnabled: false,
      tlsEnabled: true,
    });
    expect(west?.helm.values).toMatchObject({ global: { image: 'hashicorp/consul-enterprise:1.13.2-ent' } });
    expect(config.controllers.resyncMs).toBe(500);
  });

  it('names the field of every problem', () => {
    expect(() =>
      parseSandboxConfig(
        'clusters:\n  - name: East\n    helm: { chartVersion: latest }\n    colour: red\n',
        'bad.yaml',
      ),
    ).toThrow(
      /bad\.yaml: clusters\.0\.name: must be a DNS label[\s\S]*clusters\.0\.helm\.chartVersion[\s\S]*colour/,
    );
    expect(() => parseSandboxConfig('clusters: [{ name: a }, { name: a }]', 'dup.yaml')).toThrow(
      /listed twice/,
    );
  });

  it('builds a sandbox from a topology: partitions, enterprise, ACLs and a service per export', async () => {
    const partitions = await loadTopologyFile('desired-state-examples/admin-partitions/peerings.yaml');
    const acls = await loadTopologyFile('desired-state-examples/acls/peerings.yaml');
    if (!partitions.ok || !acls.ok) throw new Error('examples must be valid');
    const p = sandboxConfigFromTopology(partitions.topology);
    expect(p.clusters[0]).toMatchObject({
      enterprise: true,
      partitions: ['default', 'finance', 'retail'],
      services: [{ name: 'ledger', partition: 'finance', namespace: 'default' }],
    });
    expect(p.clusters[1]?.services).toEqual([{ name: 'checkout', partition: 'default' }]);
    expect(sandboxConfigFromTopology(acls.topology).clusters.every((c) => c.acls.enabled)).toBe(true);
  });

  it('takes one values file for every cluster over the chart defaults, like helm install -f', async () => {
    const runbook = await loadTopologyFile('desired-state-examples/runbook/peerings.yaml');
    if (!runbook.ok) throw new Error('examples must be valid');
    const values = {
      global: { peering: { enabled: true }, tls: { enabled: true }, acls: { manageSystemACLs: true } },
      server: { replicas: 3 },
      meshGateway: { enabled: true },
    };
    const config = sandboxConfigFromTopology(runbook.topology, { helmValues: values, release: 'consul' });
    const installs = config.clusters.map(clusterInstall);
    // No global.name: the chart's default fullname, <release>-consul.
    expect(installs.map((i) => i.fullname)).toEqual(['consul-consul', 'consul-consul']);
    expect(installs[0]).toMatchObject({
      serverReplicas: 3,
      switches: { httpsOnly: true, manageSystemACLs: true },
    });
    expect(config.clusters.map((c) => c.helm.values)).toMatchObject([
      { global: { datacenter: 'cluster-01' } },
      { global: { datacenter: 'cluster-02' } },
    ]);
  });
});
