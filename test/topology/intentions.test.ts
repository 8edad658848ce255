import { describe, expect, it } from 'vitest';
import { community, enterprise, problems, topology } from './traffic-support.ts';

describe('intentions', () => {
  it('resolves places to installs, sorts entries by install then destination and sources by peer then service', () => {
    const t = topology(
      ...community,
      'intentions:',
      '  - cluster: cluster-02',
      '    destination: static-server',
      '    sources:',
      '      - { peer: cluster-01, service: web, action: deny }',
      '      - { peer: cluster-01, service: "*", action: allow }',
      '  - cluster: cluster-01',
      '    destination: api',
      '    sources: [{ peer: cluster-02, service: static-client, action: allow }]',
    );
    expect(t.intentions).toEqual([
      {
        cluster: 'cluster-01',
        partition: 'default',
        install: 'cluster-01',
        destination: 'api',
        sources: [{ peer: 'cluster-02', service: 'static-client', action: 'allow' }],
      },
      {
        cluster: 'cluster-02',
        partition: 'default',
        install: 'cluster-02',
        destination: 'static-server',
        sources: [
          { peer: 'cluster-01', service: '*', action: 'allow' },
          { peer: 'cluster-01', service: 'web', action: 'deny' },
        ],
      },
    ]);
  });

  it('refuses a source peer that does not import the destination, naming the export to add', () => {
    expect(
      problems(
        ...community,
        'intentions:',
        '  - cluster: cluster-02',
        '    destination: api',
        '    sources: [{ peer: cluster-01, service: web, action: allow }]',
      ),
    ).toEqual([
      'p.yaml:21:23: peer "cluster-01" does not import api from cluster-02, so this intention is never consulted: add { peer: cluster-01 } to the consumers of api in the exports of cluster-02',
    ]);
  });

  it('refuses a peer the destination has no peering with, and the wildcard peer', () => {
    expect(
      problems(
        ...community,
        'intentions:',
        '  - cluster: cluster-02',
        '    destination: static-server',
        '    sources:',
        '      - { peer: cluster-03, service: web, action: allow }',
        '      - { peer: "*", service: web, action: allow }',
      ),
    ).toEqual([
      'p.yaml:22:17: cluster-02 has no peering with a peer named "cluster-03" (its peers are: cluster-01): add a peering or fix the name',
      'p.yaml:23:17: "*" is not allowed as a peer in intentions: Consul refuses wildcard peers; list each peer by name',
    ]);
  });

  it('refuses two entries for one destination and a source listed twice', () => {
    expect(
      problems(
        ...community,
        'intentions:',
        '  - cluster: cluster-02',
        '    destination: static-server',
        '    sources:',
        '      - { peer: cluster-01, service: web, action: allow }',
        '      - { peer: cluster-01, service: web, action: deny }',
        '  - cluster: cluster-02/default',
        '    destination: static-server',
        '    sources: [{ peer: cluster-01, service: api, action: allow }]',
      ),
    ).toEqual([
      'p.yaml:23:38: peer "cluster-01" service "web" is already a source at sources[0]: Consul refuses a source listed twice for one destination; keep one',
      'p.yaml:25:18: intentions for static-server in cluster-02 are already declared at intentions[0]: merge their sources (meshpeer writes one ServiceIntentions per destination)',
    ]);
  });

  it('reports a destination no export lists once, not once per source', () => {
    expect(
      problems(
        ...community,
        'intentions:',
        '  - cluster: cluster-02',
        '    destination: static-sever',
        '    sources:',
        '      - { peer: cluster-01, service: web, action: allow }',
        '      - { peer: cluster-01, service: api, action: allow }',
      ),
    ).toEqual([
      'p.yaml:20:18: service "static-sever" is in no exports entry of this file (exports list: api, static-server): a peer\'s service reaches only services exported to that peer, so export static-sever from cluster-02 to the source peers, or fix the name; meshpeer knows services from exports, and the plan also checks the live catalog',
    ]);
  });

  it('refuses wildcard destinations, partial wildcard sources and unknown actions in the schema', () => {
    expect(
      problems(
        ...community,
        'intentions:',
        '  - cluster: cluster-02',
        '    destination: "*"',
        '    sources:',
        '      - { peer: cluster-01, service: web-*, action: allow }',
        '      - { peer: cluster-01, service: web, action: permit }',
        '  - { cluster: cluster-01, destination: api, sources: [] }',
      ),
    ).toEqual([
      'p.yaml:20:18: "destination": name one service: wildcards are not allowed here',
      'p.yaml:22:38: "service": use a service name or * alone: Consul refuses partial wildcards such as web-*',
      'p.yaml:23:51: action must be "allow" or "deny"',
      'p.yaml:24:55: "sources": an intention needs at least one source',
    ]);
  });

  it('refuses namespaces on a Community cluster and places that do not exist', () => {
    expect(
      problems(
        ...community,
        'intentions:',
        '  - cluster: cluster-02',
        '    destination: static-server',
        '    namespace: default',
        '    sources: [{ peer: cluster-01, service: web, namespace: ns, action: allow }]',
        '  - cluster: cluster-09',
        '    destination: static-server',
        '    sources: [{ peer: cluster-01, service: web, action: allow }]',
      ),
    ).toEqual([
      'p.yaml:21:16: destination "static-server" sets a namespace, but Consul namespaces need Consul Enterprise: set enterprise: true on cluster "cluster-02" or remove namespace',
      'p.yaml:22:60: the source of peer "cluster-01" service "ns/web" sets a namespace, but Consul namespaces need Consul Enterprise: set enterprise: true on cluster "cluster-01" or remove namespace',
      'p.yaml:23:14: unknown cluster "cluster-09": declare it under clusters or use one of: cluster-01, cluster-02',
    ]);
  });

  it('accepts cluster/partition and the long form, and a peer that imports through a sameness group', () => {
    const t = topology(
      ...enterprise,
      '  - { acceptor: cluster-01/finance, dialer: cluster-02 }',
      'exports:',
      '  - cluster: cluster-01',
      '    partition: finance',
      '    services: [{ name: ledger, consumers: [{ samenessGroup: mirror }] }]',
      'samenessGroups:',
      '  - { cluster: cluster-01/finance, name: mirror, includeLocal: true, members: [{ peer: cluster-02 }] }',
      'intentions:',
      '  - { cluster: cluster-01, partition: finance, destination: ledger, sources: [{ peer: cluster-02, service: "*", action: allow }] }',
    );
    expect(t.intentions.map((i) => [i.install, i.partition, i.destination])).toEqual([
      ['cluster-01/finance', 'finance', 'ledger'],
    ]);
  });

  it('refuses a partition named twice in different ways', () => {
    expect(
      problems(
        ...enterprise,
        'exports: [{ cluster: cluster-01, services: [{ name: a, consumers: [{ peer: cluster-02 }] }] }]',
        'intentions:',
        '  - cluster: cluster-01/finance',
        '    partition: default',
        '    destination: a',
        '    sources: [{ peer: cluster-02, service: b, action: allow }]',
      ),
    ).toEqual([
      'p.yaml:15:16: cluster "cluster-01/finance" names partition "finance" but partition is "default": name the partition in one place',
    ]);
  });
});
