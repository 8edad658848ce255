import { describe, expect, it } from 'vitest';
import { loadTopologyFile } from '../../src/topology/index.ts';
import {
  clusterInstall,
  defaultSandboxConfig,
  parseSandboxConfig,
  sandboxConfigFromTopology,
} from '../src/sandbox-config.ts';

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

  it('builds one cluster per install from a topology, named after its kube context', async () => {
    const partitions = await loadTopologyFile('desired-state-examples/admin-partitions/peerings.yaml');
    const acls = await loadTopologyFile('desired-state-examples/acls/peerings.yaml');
    if (!partitions.ok || !acls.ok) throw new Error('examples must be valid');
    const p = sandboxConfigFromTopology(partitions.topology);
    expect(p.clusters.map((c) => [c.name, c.datacenter, c.partition, c.partitionOf?.cluster])).toEqual([
      ['cluster-01', 'cluster-01', 'default', undefined],
      ['cluster-01-finance', 'cluster-01', 'finance', 'cluster-01'],
      ['cluster-01-retail', 'cluster-01', 'retail', 'cluster-01'],
      ['cluster-02', 'cluster-02', 'default', undefined],
      ['cluster-02-payments', 'cluster-02', 'payments', 'cluster-02'],
    ]);
    // The datacenter's own install: servers hosting every partition, consul-k8s serving default.
    expect(p.clusters[0]).toMatchObject({ enterprise: true, partitions: ['default', 'finance', 'retail'] });
    expect(p.clusters[0]?.services).toEqual([]);
    expect(p.clusters[0]?.helm.values).toMatchObject({
      global: { adminPartitions: { enabled: true, name: 'default' }, enableConsulNamespaces: true },
    });
    // Each install registers the services it exports, in its partition.
    expect(p.clusters[1]?.services).toEqual([{ name: 'ledger', partition: 'finance', namespace: 'default' }]);
    expect(p.clusters[3]?.services).toEqual([{ name: 'catalog', partition: 'default' }]);
    expect(p.clusters[4]?.services).toEqual([{ name: 'checkout', partition: 'payments' }]);
    expect(sandboxConfigFromTopology(acls.topology).clusters.every((c) => c.acls.enabled)).toBe(true);
  });

  it('gives a partition install the values of a real one: its partition, externalServers, no servers', async () => {
    const partitions = await loadTopologyFile('desired-state-examples/admin-partitions/peerings.yaml');
    if (!partitions.ok) throw new Error('the example must be valid');
    const [server, finance] = sandboxConfigFromTopology(partitions.topology).clusters;
    if (server === undefined || finance === undefined) throw new Error('expected two installs');
    expect(finance.helm.values).toMatchObject({
      global: {
        image: 'hashicorp/consul-enterprise:1.20.1-ent',
        datacenter: 'cluster-01',
        adminPartitions: { enabled: true, name: 'finance' },
        enableConsulNamespaces: true,
        tls: { enabled: true, caCert: { secretName: 'consul-ca-cert', secretKey: 'tls.crt' } },
      },
      server: { enabled: false },
      externalServers: {
        enabled: true,
        hosts: ['consul-expose-servers.consul.svc'],
        tlsServerName: 'server.cluster-01.consul',
      },
    });
    const own = clusterInstall(server);
    const install = clusterInstall(finance);
    expect(install).toMatchObject({ fullname: 'consul', serverEnabled: false });
    // The same switches as its cluster's install, from the same base values.
    expect(install.switches).toEqual({ ...own.switches, externalServersEnabled: true });
  });

  it('checks partition installs against the datacenters they name', () => {
    const config = (lines: string[]) => () => parseSandboxConfig(lines.join('\n'), 'p.yaml');
    const east = '  - { name: east, enterprise: true }';
    expect(
      config(['clusters:', east, '  - { name: fin, partitionOf: { cluster: west, partition: finance } }']),
    ).toThrow('sandbox config: fin: partitionOf names "west", which is not a cluster of this sandbox');
    expect(
      config([
        'clusters:',
        '  - { name: east }',
        '  - { name: fin, partitionOf: { cluster: east, partition: finance } }',
      ]),
    ).toThrow('admin partitions need Consul Enterprise: set enterprise: true on east');
    expect(
      config([
        'clusters:',
        east,
        '  - { name: a, partitionOf: { cluster: east, partition: finance } }',
        '  - { name: b, partitionOf: { cluster: east, partition: finance } }',
      ]),
    ).toThrow('sandbox config: b: partition east/finance already has an install (one per partition)');
    expect(
      config(['clusters:', east, '  - { name: d, partitionOf: { cluster: east, partition: default } }']),
    ).toThrow("the default partition is served by east's own install");
    expect(
      config([
        'clusters:',
        east,
        '  - { name: fin, acls: true, partitionOf: { cluster: east, partition: finance } }',
      ]),
    ).toThrow('sandbox config: fin: managed ACLs for partition installs are not simulated yet');
    const ok = parseSandboxConfig(
      ['clusters:', east, '  - { name: fin, partitionOf: { cluster: east, partition: finance } }'].join('\n'),
      'p.yaml',
    );
    // The servers host the partitions their partition installs serve.
    expect(ok.clusters.map((c) => c.partitions)).toEqual([
      ['default', 'finance'],
      ['default', 'finance'],
    ]);
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
