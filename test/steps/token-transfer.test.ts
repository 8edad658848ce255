/**
 * The token-transfer step's address check: a token the simulated Consul generated before the Mesh
 * entry peered through gateways lists the servers' addresses (agent/consul/peering_backend.go),
 * and meshpeer refuses to copy it, naming the addresses and the fix, never the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedConsul, startConsulServer } from '../../sandbox/src/consul/consul-server.ts';
import { ConsulClient } from '../../src/consul/consul-client.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';
import type { ClusterClient, LiveObject, ObjectKey } from '../../src/kube/cluster-client.ts';
import type { StepOf } from '../../src/plan/index.ts';
import { redact } from '../../src/secrets/redact.ts';
import { runTokenTransfer } from '../../src/steps/peering-executors.ts';
import type { StepContext } from '../../src/steps/step-context.ts';
import type { ClusterSpec } from '../../src/topology/index.ts';

/** A cluster holding objects in memory; counts writes. */
function memoryCluster(cluster: string) {
  const objects = new Map<string, LiveObject>();
  const id = (k: { kind: string; namespace?: string; name: string }) => `${k.kind}/${k.namespace}/${k.name}`;
  let writes = 0;
  const refuse = async (): Promise<never> => {
    throw new Error('not used');
  };
  const client: ClusterClient = {
    cluster,
    get: async (key: ObjectKey) => objects.get(id(key)),
    list: async () => [...objects.values()],
    proxyRequest: refuse,
    async apply(object) {
      writes++;
      const live = object as LiveObject;
      objects.set(id({ ...object.metadata, kind: object.kind }), live);
      return live;
    },
    mergePatch: refuse,
    create: refuse,
    replace: refuse,
    delete: refuse,
  };
  return { client, objects, writes: () => writes };
}

const step: StepOf<'token-transfer'> = {
  id: 'token-transfer/cluster-02/consul/peering-token-cluster-02',
  kind: 'token-transfer',
  action: 'copy',
  lane: 'cluster-02',
  target: { kind: 'Secret', namespace: 'consul', name: 'peering-token-cluster-02' },
  reason: 'token Secret peering-token-cluster-02 is missing in cluster-02',
  dependsOn: [],
  params: {
    from: { cluster: 'cluster-01', namespace: 'consul', name: 'peering-token-cluster-02', key: 'data' },
    to: { cluster: 'cluster-02', namespace: 'consul' },
  },
};

describe('token-transfer checks the addresses of the token it copies', () => {
  let consul: SimulatedConsul;
  let client: ConsulClient;
  const gateway = '127.0.0.1:18444';
  const acceptor = memoryCluster('cluster-01');
  const dialer = memoryCluster('cluster-02');

  const ctx = (peerThroughMeshGateways: boolean): StepContext => ({
    cluster: (name) => (name === 'cluster-01' ? acceptor.client : dialer.client),
    spec: () => ({ peerThroughMeshGateways }) as ClusterSpec,
    install: async () => undefined,
    consul: async () => client,
    acls: { enabled: false, reconcilerRequires: [], meshGatewayRequires: [] },
    now: () => Date.now(),
  });

  const acceptorWrites = async (token: string) => {
    await acceptor.client.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'peering-token-cluster-02', namespace: 'consul' },
      data: { data: Buffer.from(token).toString('base64') },
    } as LiveObject & { metadata: { namespace: string } });
  };

  beforeAll(async () => {
    consul = await startConsulServer({ cluster: 'cluster-01', datacenter: 'dc1', servers: 2 });
    consul.setGatewayAddress(gateway);
    client = new ConsulClient(directTransport(consul.httpUrl ?? ''));
  });

  afterAll(async () => {
    await consul?.stop();
  });

  it("refuses a token listing the servers' addresses, naming them and the fix, and copies nothing", async () => {
    const token = await client.generateToken('cluster-02');
    await acceptorWrites(token);
    const outcome = await runTokenTransfer(step, ctx(true));
    const servers = consul.servers.map((s) => s.peeringAddress).sort();
    expect(outcome).toEqual({
      type: 'terminal',
      reason: `token Secret peering-token-cluster-02 in cluster-01 lists the Consul servers' addresses ${servers.join(', ')} instead of the mesh gateway addresses (${gateway}); not copied: the Mesh setting peerThroughMeshGateways was not in effect when the token was generated: meshpeer rotates the token (raises peering-version) once the Mesh entry is Synced (it is not in effect in Consul yet): run apply again`,
      data: { listed: servers, gateways: [gateway], servers, throughGateways: false },
    });
    expect(dialer.writes()).toBe(0);
    expect(JSON.stringify(outcome)).not.toContain(token);
    expect(redact(`x ${token} y`)).toBe('x [redacted] y');
  });

  it('copies the same token when the acceptor does not peer through mesh gateways', async () => {
    const outcome = await runTokenTransfer(step, ctx(false));
    expect(outcome.type).toBe('done');
    expect(dialer.writes()).toBe(1);
  });

  it('copies a token issued once the Mesh setting is in effect: it lists the gateway', async () => {
    const res = await directTransport(consul.httpUrl ?? '').send(
      'PUT',
      '/v1/config',
      { 'content-type': 'application/json' },
      JSON.stringify({ Kind: 'mesh', Name: 'mesh', Peering: { PeerThroughMeshGateways: true } }),
    );
    expect(res.status).toBe(200);
    await acceptorWrites(await client.generateToken('cluster-02'));
    const outcome = await runTokenTransfer(step, ctx(true));
    expect(outcome).toEqual({
      type: 'done',
      detail: 'copied Secret peering-token-cluster-02 from cluster-01 to cluster-02',
    });
    expect(dialer.writes()).toBe(2);
  });
});
