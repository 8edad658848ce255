/** The traffic checks of a peering's verification, against a fake Consul per install. */
import { describe, expect, it } from 'vitest';
import type { ConsulIntention, HealthServiceEntry } from '../../src/consul/catalog-types.ts';
import { ConsulError } from '../../src/consul/consul-error.ts';
import { checkTraffic, type TrafficConsul, type TrafficParams } from '../../src/steps/verify-traffic.ts';

const entry = (status: string, node = 'n1'): HealthServiceEntry => ({
  Node: { Node: node, PeerName: 'peer' },
  Service: { ID: `svc-${node}`, Service: 'svc' },
  Checks: [{ CheckID: 'c', Status: status }],
});

interface FakeInstall {
  health?: Record<string, HealthServiceEntry[]>;
  intentions?: Record<string, ConsulIntention>;
  refuse?: boolean;
}

/** `health` keyed `service@peer` (namespace-qualified when asked with one), `intentions` keyed `peer/source>destination`. */
function fake(installs: Record<string, FakeInstall>) {
  const asked: string[] = [];
  const consul = async (install: string): Promise<TrafficConsul> => {
    const it = installs[install] ?? {};
    const refused = () => {
      if (it.refuse) throw new ConsulError(403, 'consul GET failed (403): Permission denied');
    };
    return {
      async healthService(name, options = {}) {
        refused();
        const key = `${options.namespace ? `${options.namespace}/` : ''}${name}@${options.peer ?? ''}`;
        asked.push(`${install} health ${key}`);
        return it.health?.[key] ?? [];
      },
      async intentionExact(q) {
        refused();
        const key = `${q.source.peer}/${q.source.name}>${q.destination.name}`;
        asked.push(`${install} intention ${key}`);
        return it.intentions?.[key];
      },
    };
  };
  return { consul, asked };
}

const params = (over: Partial<TrafficParams> = {}): TrafficParams => ({
  acceptor: { install: 'cluster-01', peerName: 'cluster-01' },
  dialer: { install: 'cluster-02', peerName: 'cluster-02' },
  dialerImports: [],
  acceptorImports: ['static-server'],
  ...over,
});

describe('imported services, as the importing side sees them', () => {
  it("asks the importing install with the exporting side's peer name and passes with a passing instance", async () => {
    const { consul, asked } = fake({
      'cluster-01': { health: { 'static-server@cluster-02': [entry('critical'), entry('passing', 'n2')] } },
    });
    const result = await checkTraffic(params(), consul);
    expect(result.failure).toBeUndefined();
    expect(result.proved).toEqual(['imported services healthy (1)']);
    expect(asked).toEqual(['cluster-01 health static-server@cluster-02']);
    expect(result.data).toEqual({
      traffic: {
        imports: [
          { install: 'cluster-01', service: 'static-server', peer: 'cluster-02', instances: 2, passing: 1 },
        ],
      },
    });
  });

  it('fails naming the service, the importer, the peer and the counts', async () => {
    const { consul } = fake({
      'cluster-01': { health: { 'static-server@cluster-02': [entry('critical')] } },
    });
    const result = await checkTraffic(params(), consul);
    expect(result.failure?.detail).toBe(
      'health: static-server imported by cluster-01 from peer cluster-02 has no passing instance (1 instance, 0 passing)',
    );
    const none = await checkTraffic(params(), fake({}).consul);
    expect(none.failure?.detail).toBe(
      'health: static-server imported by cluster-01 from peer cluster-02 has no instances',
    );
    expect(none.failure?.fix).toContain('service:read and node:read');
  });

  it('asks in the namespace the plan names, when one is not default', async () => {
    const { consul, asked } = fake({
      'cluster-01': { health: { 'payments/ledger@cluster-02': [entry('passing')] } },
    });
    const result = await checkTraffic(
      params({
        acceptorImports: ['ledger'],
        traffic: { imports: { acceptor: [{ service: 'ledger', namespace: 'payments' }] } },
      }),
      consul,
    );
    expect(result.failure).toBeUndefined();
    expect(asked).toEqual(['cluster-01 health payments/ledger@cluster-02']);
  });

  it("turns Consul's 403 into the permission to give, not a thrown error", async () => {
    const result = await checkTraffic(params(), fake({ 'cluster-01': { refuse: true } }).consul);
    expect(result.failure).toEqual({
      detail:
        "permissions: Consul on cluster-01 refused meshpeer's token (consul GET failed (403): Permission denied)",
      fix: "give meshpeer's token on cluster-01 service:read and node:read",
    });
  });
});

describe('intentions over the peering', () => {
  const declared = (action: 'allow' | 'deny', source = 'static-client') => ({
    acceptorImports: [],
    traffic: {
      intentions: [{ install: 'cluster-01', service: 'static-server', peer: 'cluster-02', source, action }],
    },
  });

  it("asks the destination's install for the intention of exactly that peer's source", async () => {
    const { consul, asked } = fake({
      'cluster-01': {
        intentions: {
          'cluster-02/static-client>static-server': {
            SourcePeer: 'cluster-02',
            SourceName: 'static-client',
            DestinationName: 'static-server',
            Action: 'allow',
          },
        },
      },
    });
    const result = await checkTraffic(params(declared('allow')), consul);
    expect(result.failure).toBeUndefined();
    expect(result.proved).toEqual(['intentions as declared (1)']);
    expect(asked).toEqual(['cluster-01 intention cluster-02/static-client>static-server']);
  });

  it('fails when Consul holds none, or one that says otherwise (L7 permissions included)', async () => {
    const missing = await checkTraffic(params(declared('allow', '*')), fake({}).consul);
    expect(missing.failure?.detail).toBe(
      'intentions: cluster-01 holds no intention from every service of peer cluster-02 to static-server (peerings.yaml says allow)',
    );
    const other = fake({
      'cluster-01': {
        intentions: {
          'cluster-02/static-client>static-server': {
            SourceName: 'static-client',
            DestinationName: 'static-server',
            Action: '',
            Permissions: [{ Action: 'allow' }],
          },
        },
      },
    });
    const l7 = await checkTraffic(params(declared('allow')), other.consul);
    expect(l7.failure?.detail).toBe(
      "intentions: the intention from peer cluster-02's static-client to static-server in cluster-01 says L7 permissions, peerings.yaml says allow",
    );
  });
});

describe('failover targets', () => {
  it('pass when the install imports a passing instance from the target peer, and fail naming it when not', async () => {
    const traffic = { failover: [{ install: 'cluster-01', service: 'static-server', peer: 'cluster-02' }] };
    const good = fake({ 'cluster-01': { health: { 'static-server@cluster-02': [entry('passing')] } } });
    const ok = await checkTraffic(params({ acceptorImports: [], traffic }), good.consul);
    expect(ok.failure).toBeUndefined();
    expect(ok.proved).toEqual(['failover targets resolvable (1)']);
    const bad = await checkTraffic(params({ acceptorImports: [], traffic }), fake({}).consul);
    expect(bad.failure?.detail).toBe(
      'failover: cluster-01 cannot fail static-server over to peer cluster-02: it imports no instance of it from that peer',
    );
  });
});
