/** The catalog facts of an install, read from the simulated Consul: never a failed observation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedConsul, startConsulServer } from '../../sandbox/src/consul/consul-server.ts';
import { ConsulClient } from '../../src/consul/consul-client.ts';
import { directTransport, failingTransport } from '../../src/consul/consul-transport.ts';
import { exportNamespaces, observeCatalog } from '../../src/observe/observe-catalog.ts';
import { observeConsul } from '../../src/observe/observe-consul.ts';
import { type ClusterSpec, loadTopologyFile, type Topology } from '../../src/topology/index.ts';

let ce: SimulatedConsul;
let t: Topology;
let spec: ClusterSpec;

beforeAll(async () => {
  ce = await startConsulServer({
    cluster: 'cluster-02',
    datacenter: 'dc2',
    // Without DNS, server-acl-init gives the anonymous token no read on services.
    acls: { enabled: true, allowDns: false },
    services: [{ name: 'static-server' }],
  });
  const loaded = await loadTopologyFile('desired-state-examples/runbook/peerings.yaml');
  if (!loaded.ok) throw new Error('invalid example');
  t = loaded.topology;
  const found = t.clusters.find((c) => c.name === 'cluster-02');
  if (found === undefined) throw new Error('no cluster-02');
  spec = found;
});

afterAll(async () => {
  await ce?.stop();
});

const client = (token?: string) => new ConsulClient(directTransport(ce.httpUrl ?? ''), token);
const withService = ['peering:read', 'peering:write', 'mesh:write', 'service:read'];

describe('observeCatalog', () => {
  it('reads only where the install exports', async () => {
    expect(exportNamespaces(spec, t)).toEqual(['default']);
    const other = t.clusters.find((c) => c.name === 'cluster-01');
    if (other === undefined) throw new Error('no cluster-01');
    expect(exportNamespaces(other, t)).toEqual([]);
    expect(await observeCatalog(other, client(), [], undefined)).toBeUndefined();
  });

  it('lists the registered names of each namespace', async () => {
    const facts = await observeCatalog(spec, client(ce.acl?.bootstrapToken), ['default'], {
      reconcilerPermissions: withService,
    });
    expect(facts).toEqual({ services: { default: ['consul', 'static-server'] }, unreadable: {} });
  });

  it('records that absence proves nothing when the token lacks service:read', async () => {
    // Consul answers 200 with nothing the token may not read in it: no error to see.
    const facts = await observeCatalog(spec, client(), ['default'], { reconcilerPermissions: [] });
    expect(facts).toEqual({ services: { default: [] }, unreadable: {}, lacksServiceRead: true });
  });

  it('does not ask CE for a namespace, and records a failed read instead of failing', async () => {
    const facts = await observeCatalog(
      spec,
      client(ce.acl?.bootstrapToken),
      ['default', 'frontend'],
      undefined,
    );
    expect(facts?.services).toEqual({ default: ['consul', 'static-server'] });
    expect(facts?.unreadable).toEqual({ frontend: 'namespaces are a Consul Enterprise feature' });
    const broken = new ConsulClient(failingTransport('http://127.0.0.1:1', 'connect ECONNREFUSED'));
    const failed = await observeCatalog(spec, broken, ['default'], undefined);
    expect(failed?.services).toEqual({});
    expect(failed?.unreadable.default).toContain('consul unreachable');
  });

  it('is part of the Consul facts of an exporting install', async () => {
    const facts = await observeConsul(spec, client(ce.acl?.bootstrapToken), undefined, ['default']);
    expect(facts.reachable && facts.catalog).toEqual({
      services: { default: ['consul', 'static-server'] },
      unreadable: {},
    });
  });
});
