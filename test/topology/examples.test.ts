import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  explainTopology,
  loadTopologyFile,
  parseTopology,
  topologyJsonSchema,
} from '../../src/topology/index.ts';

const examples = readdirSync('desired-state-examples', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => d.name)
  .sort();

async function load(name: string) {
  const result = await loadTopologyFile(`desired-state-examples/${name}/peerings.yaml`);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.topology;
}

describe('desired-state examples', () => {
  it('has the five examples the docs promise, each with a README', () => {
    expect(examples).toEqual(
      expect.arrayContaining(['acls', 'admin-partitions', 'failover', 'runbook', 'three-cluster-mesh']),
    );
    for (const name of examples)
      expect(readFileSync(`desired-state-examples/${name}/README.md`, 'utf8')).toContain('meshpeer validate');
  });

  it.each(examples)('%s is valid and names the sandbox defaults', async (name) => {
    const topology = await load(name);
    for (const install of topology.clusters) {
      // A cluster's own install is named after it; a partition install is `cluster/partition`.
      expect(install.name).toBe(
        install.server === undefined ? install.cluster : `${install.cluster}/${install.partition}`,
      );
      expect(install.cluster).toMatch(/^cluster-\d\d$/);
      expect(install.context).toBe(install.name.replace('/', '-'));
      expect(install.consul).toMatchObject({ namespace: 'consul', release: 'consul' });
    }
    expect(readFileSync(`desired-state-examples/${name}/peerings.yaml`, 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=/,
    );
  });

  it('resolves the runbook: peer names, token Secret, gateway mode', async () => {
    const t = await load('runbook');
    expect(t.peerings).toEqual([
      {
        id: 'cluster-01/default>cluster-02/default',
        acceptor: {
          cluster: 'cluster-01',
          partition: 'default',
          install: 'cluster-01',
          peerName: 'cluster-01',
        },
        dialer: {
          cluster: 'cluster-02',
          partition: 'default',
          install: 'cluster-02',
          peerName: 'cluster-02',
        },
        meshGatewayMode: 'local',
        tokenSecret: {
          name: 'peering-token-cluster-01-cluster-02',
          key: 'data',
          acceptorNamespace: 'consul',
          dialerNamespace: 'consul',
        },
      },
    ]);
    expect(t.exports).toEqual([
      {
        cluster: 'cluster-02',
        partition: 'default',
        install: 'cluster-02',
        services: [{ name: 'static-server', consumers: [{ peer: 'cluster-01' }] }],
      },
    ]);
    expect(t.verify).toEqual({
      heartbeatMaxAgeMs: 120_000,
      handshake: true,
      probe: false,
      timeoutMs: 30_000,
    });
    expect(t.prune).toEqual({ enabled: true, allowAll: false });
  });

  it('resolves one install per partition, each with its own context, and cluster-partition peer names', async () => {
    const t = await load('admin-partitions');
    expect(t.clusters.map((c) => [c.name, c.partition, c.context, c.server ?? null])).toEqual([
      ['cluster-01', 'default', 'cluster-01', null],
      ['cluster-01/finance', 'finance', 'cluster-01-finance', 'cluster-01'],
      ['cluster-01/retail', 'retail', 'cluster-01-retail', 'cluster-01'],
      ['cluster-02', 'default', 'cluster-02', null],
      ['cluster-02/payments', 'payments', 'cluster-02-payments', 'cluster-02'],
    ]);
    expect(t.clusters.find((c) => c.name === 'cluster-01')?.partitions).toEqual([
      'default',
      'finance',
      'retail',
    ]);
    expect(
      t.peerings.map((p) => [p.acceptor.install, p.acceptor.peerName, p.dialer.install, p.dialer.peerName]),
    ).toEqual([
      ['cluster-01/finance', 'cluster-01-finance', 'cluster-02/payments', 'cluster-02-payments'],
      ['cluster-01/retail', 'cluster-01-retail', 'cluster-02', 'cluster-02'],
    ]);
    // Each partition's resources live in its own install's namespace, not in `consul-<partition>`.
    expect(t.peerings.map((p) => [p.tokenSecret.acceptorNamespace, p.tokenSecret.dialerNamespace])).toEqual([
      ['consul', 'consul'],
      ['consul', 'consul'],
    ]);
  });

  it('resolves the failover pair: the export, the intention at the destination, failover to the peer', async () => {
    const t = await load('failover');
    expect(t.exports.map((e) => [e.install, e.services])).toEqual([
      ['cluster-02', [{ name: 'static-server', consumers: [{ peer: 'cluster-01' }] }]],
    ]);
    expect(t.intentions).toEqual([
      {
        cluster: 'cluster-02',
        partition: 'default',
        install: 'cluster-02',
        destination: 'static-server',
        sources: [{ peer: 'cluster-01', service: 'static-client', action: 'allow' }],
      },
    ]);
    expect(t.failover).toEqual([
      {
        cluster: 'cluster-01',
        partition: 'default',
        install: 'cluster-01',
        service: 'static-server',
        targets: [{ peer: 'cluster-02' }],
      },
    ]);
    expect(t.samenessGroups).toEqual([]);
  });

  it('explains the failover pair in plain sentences', async () => {
    expect(explainTopology(await load('failover')).slice(-3)).toEqual([
      'export static-server from cluster-02 to peer cluster-01',
      'intentions for static-server in cluster-02: allow static-client of peer cluster-01',
      'failover of static-server in cluster-01 to peer cluster-02',
    ]);
  });

  it('leaves the traffic sections empty in the examples that have none', async () => {
    for (const name of examples.filter((e) => e !== 'failover')) {
      const t = await load(name);
      expect([t.intentions, t.failover, t.samenessGroups]).toEqual([[], [], []]);
    }
  });

  it('fills the ACL token reference namespace from the Consul namespace', async () => {
    const t = await load('acls');
    expect(t.acls.enabled).toBe(true);
    expect(t.clusters[0]?.consul.aclToken).toEqual({
      secret: 'consul-bootstrap-acl-token',
      key: 'token',
      namespace: 'consul',
    });
  });

  it('keeps docs/peerings.schema.json equal to the generated schema', () => {
    const committed = JSON.parse(readFileSync('docs/peerings.schema.json', 'utf8'));
    expect(committed).toEqual(topologyJsonSchema());
  });

  it('accepts the long endpoint form with explicit peer names', () => {
    const source = [
      'apiVersion: meshpeer.dev/v1alpha1',
      'kind: PeeringTopology',
      'metadata: { name: t }',
      'clusters: [{ name: a }, { name: b }]',
      'peerings:',
      '  - acceptor: { cluster: a, peerName: east }',
      '    dialer: { cluster: b, peerName: west }',
      'exports: [{ cluster: b, services: [{ name: api, consumers: [{ peer: east }] }] }]',
    ].join('\n');
    const result = parseTopology(source, 'inline.yaml');
    expect(result.ok && result.topology.peerings[0]?.tokenSecret.name).toBe('peering-token-east-west');
  });
});

describe('fast and positioned parsers', () => {
  it.each(examples)('%s reads the same through both YAML parsers', (name) => {
    const source = readFileSync(`desired-state-examples/${name}/peerings.yaml`, 'utf8');
    const fast = parseTopology(source, 'a.yaml');
    // An anchor sends the file through the positioned parser, which caps alias expansion.
    const positioned = parseTopology(`${source}\n# anchor marker: &unused\n`, 'a.yaml');
    expect(fast.ok && positioned.ok).toBe(true);
    if (fast.ok && positioned.ok) expect(positioned.topology).toEqual(fast.topology);
  });

  it('refuses a billion-laughs alias bomb quickly instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const result = parseTopology(bomb.join('\n'), 'bomb.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]?.message).toMatch(/alias/i);
  });
});
