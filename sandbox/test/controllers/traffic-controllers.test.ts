/**
 * The consul-k8s controllers of ServiceIntentions, ServiceResolver and SamenessGroup against the
 * simulated Consul: server-side apply with the CRDs' field names, the entry Consul stores (sorted,
 * typed, durations as Go prints them), Synced and the finalizer, no rewrite on resync (MatchesConsul
 * ignores what Consul computes), Consul's refusals in the Synced message, deletion with the CR.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SimulatedConsul, startConsulServer } from '../../src/consul/consul-server.ts';
import { ConsulK8sControllers } from '../../src/controllers/consul-k8s-controllers.ts';
import { CONSUL_FINALIZER } from '../../src/controllers/sync-status.ts';
import type { StoredObject } from '../../src/kube/stored-object.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { waitFor } from '../sandbox-test-helpers.ts';

const apiVersion = 'consul.hashicorp.com/v1alpha1';
let cluster: SandboxCluster;
let consul: SimulatedConsul;
let controllers: ConsulK8sControllers;

async function start(enterprise: boolean): Promise<void> {
  consul = await startConsulServer({
    cluster: 'ctl',
    datacenter: 'dc1',
    enterprise,
    services: [{ name: 'api' }],
  });
  cluster = await SandboxCluster.start({ name: 'unit-traffic' });
  cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'consul' } });
  controllers = ConsulK8sControllers.start({
    objects: cluster.objects,
    consulUrl: () => consul.apiUrl,
    datacenter: 'dc1',
    enterprise,
    peering: false,
    maxBackoffMs: 100,
  });
}

afterEach(async () => {
  await controllers?.stop();
  await Promise.all([cluster?.stop(), consul?.stop()]);
});

// consul-k8s refuses SamenessGroups outside the Kubernetes `default` namespace.
const namespaceOf = (kind: string) => (kind === 'SamenessGroup' ? 'default' : 'consul');
const ref = (kind: string, name: string) => ({ apiVersion, kind, namespace: namespaceOf(kind), name });
const synced = (kind: string, name: string) => {
  const status = cluster.objects.get(ref(kind, name))?.status as
    | { conditions?: Array<Record<string, string>> }
    | undefined;
  return status?.conditions?.[0];
};
const waitSynced = (kind: string, name: string, status = 'True') =>
  waitFor(
    () => (synced(kind, name)?.status === status ? synced(kind, name) : undefined),
    `${kind} ${status}`,
  );
const apply = (kind: string, name: string, spec: Record<string, unknown>): StoredObject =>
  cluster.objects.apply(
    { apiVersion, kind, metadata: { name, namespace: namespaceOf(kind) }, spec },
    'meshpeer',
  );
const configWrites = async () => {
  const res = await fetch(`${consul.apiUrl}/v1/config/service-intentions/api`);
  return Number(res.headers.get('x-consul-index'));
};

describe('traffic config-entry controllers', () => {
  it('sync ServiceIntentions with peer sources and leave them alone on resync', async () => {
    await start(false);
    apply('ServiceIntentions', 'api', {
      destination: { name: 'api' },
      sources: [
        { name: '*', peer: 'east', action: 'allow' },
        { name: 'batch', peer: 'east', action: 'deny' },
      ],
    });
    await waitSynced('ServiceIntentions', 'api');
    expect(cluster.objects.get(ref('ServiceIntentions', 'api'))?.metadata.finalizers).toEqual([
      CONSUL_FINALIZER,
    ]);
    const entry = consul.traffic.configEntry('service-intentions', 'api');
    expect(entry).toMatchObject({
      Sources: [
        { Name: 'batch', Peer: 'east', Action: 'deny', Type: 'consul', Precedence: 9 },
        { Name: '*', Peer: 'east', Action: 'allow', Precedence: 8 },
      ],
      Meta: { 'external-source': 'kubernetes', 'consul.hashicorp.com/source-datacenter': 'dc1' },
    });
    expect(consul.traffic.intentionDecision({ peer: 'east', name: 'web' }, { name: 'api' }).allowed).toBe(
      true,
    );
    const index = entry?.ModifyIndex;
    controllers.resync();
    await controllers.idle();
    expect(consul.traffic.configEntry('service-intentions', 'api')?.ModifyIndex).toBe(index);
    expect(await configWrites()).toBeGreaterThan(0);
    cluster.objects.delete(ref('ServiceIntentions', 'api'));
    await waitFor(
      () => (consul.traffic.configEntry('service-intentions', 'api') === undefined ? true : undefined),
      'intentions deleted',
    );
  });

  it('sync a ServiceResolver failing over to peers, in order, with Go durations', async () => {
    await start(false);
    apply('ServiceResolver', 'api', {
      connectTimeout: '90s',
      failover: { '*': { targets: [{ peer: 'east' }, { peer: 'west' }] } },
    });
    await waitSynced('ServiceResolver', 'api');
    const entry = consul.traffic.configEntry('service-resolver', 'api');
    expect(entry).toMatchObject({
      ConnectTimeout: '1m30s',
      Failover: { '*': { Targets: [{ Peer: 'east' }, { Peer: 'west' }] } },
    });
    const index = entry?.ModifyIndex;
    controllers.resync();
    await controllers.idle();
    expect(consul.traffic.configEntry('service-resolver', 'api')?.ModifyIndex).toBe(index);
  });

  it("report Consul's refusals in Synced: sameness groups and sameness failover need Enterprise", async () => {
    await start(false);
    apply('SamenessGroup', 'group', { includeLocal: true, members: [{ peer: 'east' }] });
    const group = await waitSynced('SamenessGroup', 'group', 'False');
    expect(group).toMatchObject({
      reason: 'ConsulAgentError',
      message:
        'writing config entry to consul: Unexpected response code: 500 (sameness-groups are an enterprise-only feature)',
    });
    apply('ServiceResolver', 'api', { failover: { '*': { samenessGroup: 'group' } } });
    expect(await waitSynced('ServiceResolver', 'api', 'False')).toMatchObject({
      message:
        'writing config entry to consul: Unexpected response code: 500 (Bad Failover["*"]: Setting SamenessGroup requires Consul Enterprise)',
    });
  });

  it('sync a SamenessGroup on Enterprise and keep it on resync', async () => {
    await start(true);
    apply('SamenessGroup', 'group', {
      defaultForFailover: true,
      includeLocal: true,
      members: [{ partition: 'default' }, { peer: 'east' }],
    });
    await waitSynced('SamenessGroup', 'group');
    const entry = consul.traffic.configEntry('sameness-group', 'group');
    expect(entry).toMatchObject({
      DefaultForFailover: true,
      IncludeLocal: true,
      Members: [{ Partition: 'default' }, { Peer: 'east' }],
      Partition: 'default',
    });
    controllers.resync();
    await controllers.idle();
    expect(consul.traffic.configEntry('sameness-group', 'group')?.ModifyIndex).toBe(entry?.ModifyIndex);
  });
});
