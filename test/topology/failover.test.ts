import { describe, expect, it } from 'vitest';
import { community, problems, topology } from './traffic-support.ts';

/** Peered under explicit names: cluster-01 knows cluster-02 as west, cluster-02 knows cluster-01 as east. */
const named = [
  'apiVersion: meshpeer.dev/v1alpha1', // 1
  'kind: PeeringTopology', // 2
  'metadata: { name: t }', // 3
  'clusters: [{ name: cluster-01 }, { name: cluster-02 }, { name: cluster-03 }]', // 4
  'peerings:', // 5
  '  - acceptor: { cluster: cluster-01, peerName: east }', // 6
  '    dialer: { cluster: cluster-02, peerName: west }', // 7
  '  - { acceptor: cluster-01, dialer: cluster-03 }', // 8
  'exports:', // 9
  '  - cluster: cluster-02', // 10
  '    services: [{ name: static-server, consumers: [{ peer: east }] }]', // 11
];

describe('failover', () => {
  it('keeps targets in order and sorts entries by install, then service', () => {
    const t = topology(
      ...named,
      '  - cluster: cluster-03',
      '    services: [{ name: static-server, consumers: [{ peer: cluster-01 }] }]',
      'failover:',
      '  - cluster: cluster-01',
      '    service: static-server',
      '    targets: [{ peer: cluster-03 }, { peer: west }]',
    );
    expect(t.failover).toEqual([
      {
        cluster: 'cluster-01',
        partition: 'default',
        install: 'cluster-01',
        service: 'static-server',
        targets: [{ peer: 'cluster-03' }, { peer: 'west' }],
      },
    ]);
  });

  it('resolves a target to the peer install and checks its exports under the name it knows this install by', () => {
    expect(
      problems(
        ...named,
        'failover:',
        '  - cluster: cluster-01',
        '    service: static-server',
        '    targets: [{ peer: west }, { peer: cluster-03 }]',
      ),
    ).toEqual([
      'p.yaml:15:39: peer "cluster-03" does not export static-server to cluster-01, so failover to it finds no instances: add { peer: cluster-01 } to the consumers of static-server in the exports of cluster-03',
    ]);
  });

  it('names the install behind a peer name and the consumer name the export needs', () => {
    expect(
      problems(
        ...named.slice(0, 9),
        '  - cluster: cluster-03',
        '    services: [{ name: static-server, consumers: [{ peer: cluster-01 }] }]',
        'failover: [{ cluster: cluster-01, service: static-server, targets: [{ peer: west }] }]',
      ),
    ).toEqual([
      'p.yaml:12:77: peer "west" (cluster-02) does not export static-server to cluster-01, so failover to it finds no instances: add { peer: east } to the consumers of static-server in the exports of cluster-02',
    ]);
  });

  it('refuses targets without a peering, the wildcard and a target listed twice', () => {
    expect(
      problems(
        ...community,
        'failover:',
        '  - cluster: cluster-01',
        '    service: static-server',
        '    targets:',
        '      - peer: cluster-02',
        '      - peer: cluster-02',
        '      - peer: cluster-05',
        '      - peer: "*"',
      ),
    ).toEqual([
      'p.yaml:23:15: peer "cluster-02" is already a failover target at targets[0]: list each peer once, in the order to try them',
      'p.yaml:24:15: cluster-01 has no peering with a peer named "cluster-05" (its peers are: cluster-02): add a peering or fix the name',
      'p.yaml:25:15: "*" is not allowed as a peer in failover targets: Consul refuses wildcard peers; list each peer by name',
    ]);
  });

  it('needs exactly one of targets or samenessGroup, and one entry per service', () => {
    expect(
      problems(
        ...community,
        'failover:',
        '  - { cluster: cluster-01, service: static-server }',
        '  - { cluster: cluster-01, service: api, targets: [{ peer: cluster-02 }], samenessGroup: g }',
        '  - { cluster: cluster-01, service: static-server, targets: [{ peer: cluster-02 }] }',
      ),
    ).toEqual([
      'p.yaml:19:5: failover sets exactly one of targets or samenessGroup (this one sets neither)',
      'p.yaml:20:5: failover sets exactly one of targets or samenessGroup (this one sets both)',
      'p.yaml:21:37: failover for static-server in cluster-01 is already declared at failover[0]: keep one entry (meshpeer writes one ServiceResolver per service)',
    ]);
  });

  it('reports a service no export lists once, and an empty target list in the schema', () => {
    expect(
      problems(
        ...community,
        'failover:',
        '  - { cluster: cluster-01, service: statc-server, targets: [{ peer: cluster-02 }, { peer: cluster-09 }] }',
      ),
    ).toEqual([
      'p.yaml:19:37: service "statc-server" is in no exports entry of this file (exports list: api, static-server): failover reaches a peer\'s instances only when that peer exports the service to this cluster, so export statc-server from each target, or fix the name; meshpeer knows services from exports, and the plan also checks the live catalog',
      'p.yaml:19:91: cluster-01 has no peering with a peer named "cluster-09" (its peers are: cluster-02): add a peering or fix the name',
    ]);
    expect(
      problems(...community, 'failover: [{ cluster: cluster-01, service: static-server, targets: [] }]'),
    ).toEqual(['p.yaml:18:68: "targets": list at least one failover target']);
  });

  it('needs Enterprise and a declared group for samenessGroup failover', () => {
    expect(
      problems(
        ...community,
        'failover: [{ cluster: cluster-01, service: static-server, samenessGroup: mirror }]',
      ),
    ).toEqual([
      'p.yaml:18:74: sameness groups need Consul Enterprise (Consul CE refuses them): set enterprise: true on cluster "cluster-01", or fail over to peers with targets',
    ]);
  });
});
