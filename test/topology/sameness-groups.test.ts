import { describe, expect, it } from 'vitest';
import { explainTopology, formatDiagnostic, parseTopology } from '../../src/topology/index.ts';
import { community, enterprise, problems, topology } from './traffic-support.ts';

describe('sameness groups', () => {
  it('applies defaults, keeps members in order and sorts groups by install, then name', () => {
    const t = topology(
      ...enterprise,
      'samenessGroups:',
      '  - { cluster: cluster-02, name: mirror, includeLocal: true, members: [{ peer: cluster-01 }] }',
      '  - cluster: cluster-01/finance',
      '    name: books',
      '    defaultForFailover: true',
      '    members: [{ partition: finance }, { partition: default }]',
      '  - { cluster: cluster-01, name: mirror, members: [{ peer: cluster-02 }, { partition: default }] }',
    );
    expect(t.samenessGroups).toEqual([
      {
        cluster: 'cluster-01',
        partition: 'default',
        install: 'cluster-01',
        name: 'mirror',
        defaultForFailover: false,
        includeLocal: false,
        members: [{ peer: 'cluster-02' }, { partition: 'default' }],
      },
      {
        cluster: 'cluster-01',
        partition: 'finance',
        install: 'cluster-01/finance',
        name: 'books',
        defaultForFailover: true,
        includeLocal: false,
        members: [{ partition: 'finance' }, { partition: 'default' }],
      },
      {
        cluster: 'cluster-02',
        partition: 'default',
        install: 'cluster-02',
        name: 'mirror',
        defaultForFailover: false,
        includeLocal: true,
        members: [{ peer: 'cluster-01' }],
      },
    ]);
  });

  it('needs Enterprise', () => {
    expect(
      problems(
        ...community,
        'samenessGroups: [{ cluster: cluster-01, name: g, includeLocal: true, members: [{ peer: cluster-02 }] }]',
      ),
    ).toEqual([
      'p.yaml:18:29: sameness groups need Consul Enterprise (Consul CE refuses them): set enterprise: true on cluster "cluster-01", or fail over to peers with targets',
    ]);
  });

  it('needs Consul 1.16 when clusters[].consul.version is declared, in groups and in failover', () => {
    const at = (version: string) => [
      ...enterprise.slice(0, 9),
      `    consul: { version: "${version}" }`,
      ...enterprise.slice(9),
      'exports: [{ cluster: cluster-01, services: [{ name: api, consumers: [{ peer: cluster-02 }] }] }]',
      'samenessGroups: [{ cluster: cluster-02, name: g, includeLocal: true, members: [{ peer: cluster-01 }] }]',
      'failover: [{ cluster: cluster-02, service: api, samenessGroup: g }]',
    ];
    expect(problems(...at('1.15.3'))).toEqual([
      'p.yaml:14:29: sameness groups need Consul 1.16 or later, but cluster "cluster-02" declares consul.version 1.15.3: upgrade Consul and update clusters[1].consul.version, or fail over to peers with targets',
      'p.yaml:15:64: sameness groups need Consul 1.16 or later, but cluster "cluster-02" declares consul.version 1.15.3: upgrade Consul and update clusters[1].consul.version, or fail over to peers with targets',
    ]);
    for (const version of ['1.16', '1.16.2', '1.17.0-ent', '2.0.1+ent'])
      expect(topology(...at(version)).clusters.find((c) => c.name === 'cluster-02')?.consul.version).toBe(
        version,
      );
    expect(problems(...at('v1.16'))).toEqual([
      'p.yaml:10:24: "version": use a Consul version like 1.16, 1.16.2 or 1.17.0-ent',
    ]);
  });

  it('refuses names declared twice, invalid names and sameness groups a place does not declare', () => {
    expect(
      problems(
        ...enterprise,
        'exports:',
        '  - cluster: cluster-02',
        '    services: [{ name: static-server, consumers: [{ samenessGroup: mirorr }] }]',
        'samenessGroups:',
        '  - { cluster: cluster-02, name: mirror, includeLocal: true, members: [{ peer: cluster-01 }] }',
        '  - { cluster: cluster-02, name: mirror, members: [{ partition: default }] }',
        '  - { cluster: cluster-01, name: Mirror_1, includeLocal: true, members: [{ peer: cluster-02 }] }',
        'failover:',
        '  - { cluster: cluster-01, service: static-server, samenessGroup: mirror }',
      ),
    ).toEqual([
      'p.yaml:14:68: cluster-02 declares no sameness group "mirorr" (it declares: mirror): declare it under samenessGroups with cluster: cluster-02, or fix the name',
      'p.yaml:17:34: sameness group "mirror" is already declared for cluster-02 at samenessGroups[0]: merge their members',
      'p.yaml:18:34: "Mirror_1" is not a valid sameness group name: it names a SamenessGroup resource, so use at most 63 lowercase letters, digits and -, starting and ending with a letter or digit',
      'p.yaml:20:67: cluster-01 declares no sameness group "mirror" (it declares: Mirror_1): declare it under samenessGroups with cluster: cluster-01, or fix the name',
    ]);
  });

  it('checks members: exactly one field, peered peers, declared partitions, each once', () => {
    expect(
      problems(
        ...enterprise,
        'samenessGroups:',
        '  - cluster: cluster-01',
        '    name: g',
        '    includeLocal: true',
        '    members:',
        '      - { peer: cluster-02, partition: finance }',
        '      - {}',
        '      - { peer: cluster-03 }',
        '      - { partition: retail }',
        '      - { partition: finance }',
        '      - { partition: finance }',
        '      - { partition: default }',
        '      - { peer: "*" }',
      ),
    ).toEqual([
      'p.yaml:17:9: a sameness group member sets exactly one of partition or peer (this one sets both)',
      'p.yaml:18:9: a sameness group member sets exactly one of partition or peer',
      'p.yaml:19:17: cluster-01 has no peering with a peer named "cluster-03" (its peers are: cluster-02): add a peering or fix the name',
      'p.yaml:20:22: cluster "cluster-01" has no partition "retail": add it to clusters[0].partitions',
      'p.yaml:22:22: partition "finance" is already a member at members[4]: list each member once (consul-k8s refuses duplicates)',
      'p.yaml:23:22: partition "default" is already the first member through includeLocal: true: list each member once (consul-k8s refuses duplicates)',
      'p.yaml:24:17: "*" is not allowed as a peer in sameness groups: Consul refuses wildcard peers; list each peer by name',
    ]);
  });

  it('needs the local partition in exactly one group, and one default for failover per place', () => {
    expect(
      problems(
        ...enterprise,
        'samenessGroups:',
        '  - { cluster: cluster-01, name: a, members: [{ peer: cluster-02 }] }',
        '  - { cluster: cluster-02, name: b, defaultForFailover: true, includeLocal: true, members: [{ peer: cluster-01 }] }',
        '  - { cluster: cluster-02, name: c, defaultForFailover: true, members: [{ partition: default }] }',
      ),
    ).toEqual([
      'p.yaml:13:46: sameness group "a" leaves out the local partition: set includeLocal: true or list { partition: default } among its members (consul-k8s refuses a SamenessGroup without it)',
      'p.yaml:15:57: samenessGroups[1] is already the default for failover in cluster-02: Consul keeps one default sameness group per partition, so set defaultForFailover on one',
      'p.yaml:15:73: the local partition of cluster-02 is already a member of samenessGroups[1]: a partition can be a member of one sameness group only',
    ]);
  });

  it('accepts failover and exports through a declared group', () => {
    const t = topology(
      ...enterprise,
      'exports:',
      '  - cluster: cluster-02',
      '    services: [{ name: static-server, consumers: [{ samenessGroup: mirror }] }]',
      'samenessGroups:',
      '  - { cluster: cluster-02, name: mirror, includeLocal: true, members: [{ peer: cluster-01 }] }',
      '  - { cluster: cluster-01, name: mirror, includeLocal: true, members: [{ peer: cluster-02 }] }',
      'failover: [{ cluster: cluster-01, service: static-server, samenessGroup: mirror }]',
      'intentions:',
      '  - cluster: cluster-02',
      '    destination: static-server',
      '    sources: [{ peer: cluster-01, service: static-client, action: allow }]',
    );
    expect(t.failover).toEqual([
      {
        cluster: 'cluster-01',
        partition: 'default',
        install: 'cluster-01',
        service: 'static-server',
        targets: [],
        samenessGroup: 'mirror',
      },
    ]);
    expect(t.exports[0]?.services[0]?.consumers).toEqual([{ samenessGroup: 'mirror' }]);
    expect(explainTopology(t)).toEqual(
      expect.arrayContaining([
        'sameness group mirror in cluster-01: the local partition, peer cluster-02',
        'failover of static-server in cluster-01 to the members of sameness group mirror',
      ]),
    );
  });
});

describe('traffic sections through both YAML parsers', () => {
  it('reads intentions, failover and sameness groups the same with js-yaml and with the positioned parser', () => {
    const source = [
      ...enterprise,
      '  - { acceptor: cluster-01/finance, dialer: cluster-02 }',
      'exports:',
      '  - cluster: cluster-02',
      '    services:',
      '      - { name: static-server, consumers: [{ samenessGroup: mirror }, { peer: cluster-01 }] }',
      '      - { name: ledger, namespace: books, consumers: [{ peer: cluster-01-finance }] }',
      'samenessGroups:',
      '  - cluster: cluster-02',
      '    name: mirror',
      '    defaultForFailover: true',
      '    members: [{ partition: default }, { peer: cluster-01-finance }, { peer: cluster-01 }]',
      'intentions:',
      '  - cluster: cluster-02',
      '    destination: ledger',
      '    namespace: books',
      '    sources:',
      '      - { peer: cluster-01-finance, service: "*", namespace: books, action: allow }',
      '      - { peer: cluster-01-finance, service: auditor, namespace: books, action: deny }',
      'failover:',
      '  - { cluster: cluster-01, partition: finance, service: ledger, namespace: books, targets: [{ peer: cluster-02 }] }',
      '  - { cluster: cluster-01, service: static-server, targets: [{ peer: cluster-02 }] }',
    ].join('\n');
    const fast = parseTopology(source, 'a.yaml');
    const positioned = parseTopology(`${source}\n# anchor marker: &unused\n`, 'a.yaml');
    if (!fast.ok) throw new Error(fast.diagnostics.map(formatDiagnostic).join('\n'));
    expect(positioned.ok && positioned.topology).toEqual(fast.topology);
    expect(fast.topology.failover.map((f) => [f.install, f.namespace, f.service])).toEqual([
      ['cluster-01', undefined, 'static-server'],
      ['cluster-01/finance', 'books', 'ledger'],
    ]);
    expect(fast.topology.intentions[0]?.sources.map((s) => s.service)).toEqual(['*', 'auditor']);
  });
});
