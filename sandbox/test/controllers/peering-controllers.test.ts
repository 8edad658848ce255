import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsulK8sControllers } from '../../src/controllers/consul-k8s-controllers.ts';
import type { StoredObject } from '../../src/kube/stored-object.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { waitFor } from '../sandbox-test-helpers.ts';
import { FakeConsul, TokenRegistry } from './fake-consul.ts';

const api = 'consul.hashicorp.com/v1alpha1';
const secretRef = { name: 'peering-token', key: 'data', backend: 'kubernetes' };

let acceptorCluster: SandboxCluster;
let dialerCluster: SandboxCluster;
let acceptorConsul: FakeConsul;
let dialerConsul: FakeConsul;
const running: ConsulK8sControllers[] = [];

function peeringResource(kind: string, name: string, annotations: Record<string, string> = {}): StoredObject {
  return {
    apiVersion: api,
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { peer: { secret: secretRef } },
  };
}

function synced(cluster: SandboxCluster, kind: string, name: string) {
  const obj = cluster.objects.get({ apiVersion: api, kind, namespace: 'default', name });
  const conditions = (obj?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions;
  return conditions?.[0];
}

function tokenSecret(cluster: SandboxCluster): StoredObject | undefined {
  return cluster.objects.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: 'default',
    name: 'peering-token',
  });
}

/** Copies the acceptor's token Secret into the dialer cluster, keeping data and labels. */
function copyToken(): StoredObject {
  const source = tokenSecret(acceptorCluster);
  if (source === undefined) throw new Error('no token secret');
  return dialerCluster.objects.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'peering-token', namespace: 'default', labels: source.metadata.labels ?? {} },
    data: source.data,
  });
}

beforeEach(async () => {
  const registry = new TokenRegistry();
  acceptorConsul = await new FakeConsul(registry, 'injector-token-a').start();
  dialerConsul = await new FakeConsul(registry).start();
  acceptorCluster = await SandboxCluster.start({ name: 'unit-acceptor' });
  dialerCluster = await SandboxCluster.start({ name: 'unit-dialer' });
  running.push(
    ConsulK8sControllers.start({
      objects: acceptorCluster.objects,
      consulUrl: () => acceptorConsul.url,
      token: 'injector-token-a',
      datacenter: 'dc-a',
      resyncMs: 60_000,
    }),
    ConsulK8sControllers.start({
      objects: dialerCluster.objects,
      consulUrl: () => dialerConsul.url,
      datacenter: 'dc-b',
      resyncMs: 60_000,
      maxBackoffMs: 200,
    }),
  );
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await Promise.all([
    acceptorCluster.stop(),
    dialerCluster.stop(),
    acceptorConsul.stop(),
    dialerConsul.stop(),
  ]);
});

describe('PeeringAcceptor controller', () => {
  it('writes the labelled token Secret once and records the status, with the injector token', async () => {
    acceptorCluster.objects.create(peeringResource('PeeringAcceptor', 'cluster-02'));
    const secret = await waitFor(() => tokenSecret(acceptorCluster), 'token secret');
    expect(secret.metadata.labels).toEqual({ 'consul.hashicorp.com/peering-token': 'true' });
    expect(secret.metadata.ownerReferences).toBeUndefined();
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.data as object)).toEqual(['data']);
    await waitFor(
      () => (synced(acceptorCluster, 'PeeringAcceptor', 'cluster-02')?.status === 'True' ? true : undefined),
      'synced',
    );
    const acceptor = acceptorCluster.objects.get({
      apiVersion: api,
      kind: 'PeeringAcceptor',
      namespace: 'default',
      name: 'cluster-02',
    });
    expect(acceptor?.metadata.finalizers).toEqual(['finalizers.consul.hashicorp.com']);
    expect(acceptor?.status).toMatchObject({ secret: secretRef, lastSyncedTime: expect.any(String) });
    expect((acceptor?.status as { secret?: object } | undefined)?.secret).not.toHaveProperty(
      'resourceVersion',
    );
    expect(acceptorConsul.calls('POST', '/v1/peering/token')).toHaveLength(1);
    expect(acceptorConsul.calls('POST', '/v1/peering/token')[0]).toMatchObject({
      body: { PeerName: 'cluster-02' },
      token: 'injector-token-a',
    });
    // A resync finds the peering and the Secret: no new token.
    const before = running[0]?.loops.reduce((n, l) => n + l.reconcileCount, 0) ?? 0;
    running[0]?.resync();
    await running[0]?.idle();
    expect(running[0]?.loops.reduce((n, l) => n + l.reconcileCount, 0)).toBeGreaterThan(before);
    expect(acceptorConsul.calls('POST', '/v1/peering/token')).toHaveLength(1);
  });

  it('makes a new token when the Secret is deleted or peering-version is raised, and fails on a bad version', async () => {
    acceptorCluster.objects.create(peeringResource('PeeringAcceptor', 'cluster-02'));
    const first = await waitFor(() => tokenSecret(acceptorCluster), 'token secret');
    acceptorCluster.objects.delete({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'default',
      name: 'peering-token',
    });
    const second = await waitFor(() => tokenSecret(acceptorCluster), 'regenerated secret');
    expect(second.data).not.toEqual(first.data);
    const ref = { apiVersion: api, kind: 'PeeringAcceptor', namespace: 'default', name: 'cluster-02' };
    acceptorCluster.objects.patch(ref, 'merge', {
      metadata: { annotations: { 'consul.hashicorp.com/peering-version': '2' } },
    });
    await waitFor(
      () =>
        (acceptorCluster.objects.get(ref)?.status as { latestPeeringVersion?: number })
          ?.latestPeeringVersion === 2
          ? true
          : undefined,
      'version 2',
    );
    expect(acceptorConsul.calls('POST', '/v1/peering/token')).toHaveLength(3);
    acceptorCluster.objects.patch(ref, 'merge', {
      metadata: { annotations: { 'consul.hashicorp.com/peering-version': 'x' } },
    });
    const failed = await waitFor(
      () =>
        synced(acceptorCluster, 'PeeringAcceptor', 'cluster-02')?.status === 'False'
          ? synced(acceptorCluster, 'PeeringAcceptor', 'cluster-02')
          : undefined,
      'failure',
    );
    expect(failed).toMatchObject({
      reason: 'internalError',
      message: 'strconv.ParseUint: parsing "x": invalid syntax',
    });
  });

  it('on delete removes the Consul peering and the Secret, then the finalizer', async () => {
    acceptorCluster.objects.create(peeringResource('PeeringAcceptor', 'cluster-02'));
    await waitFor(() => tokenSecret(acceptorCluster), 'token secret');
    acceptorCluster.objects.delete({
      apiVersion: api,
      kind: 'PeeringAcceptor',
      namespace: 'default',
      name: 'cluster-02',
    });
    await waitFor(
      () =>
        acceptorCluster.objects.get({
          apiVersion: api,
          kind: 'PeeringAcceptor',
          namespace: 'default',
          name: 'cluster-02',
        }) === undefined
          ? true
          : undefined,
      'acceptor gone',
    );
    expect(tokenSecret(acceptorCluster)).toBeUndefined();
    expect(acceptorConsul.calls('DELETE', '/v1/peering/cluster-02')).toHaveLength(1);
    expect(acceptorConsul.peerings.size).toBe(0);
  });
});

describe('PeeringDialer controller', () => {
  it('reports a missing Secret, establishes once it is copied, and records its resourceVersion', async () => {
    dialerCluster.objects.create(peeringResource('PeeringDialer', 'cluster-01'));
    const missing = await waitFor(
      () => synced(dialerCluster, 'PeeringDialer', 'cluster-01'),
      'missing secret',
    );
    expect(missing).toMatchObject({
      status: 'False',
      reason: 'internalError',
      message: 'PeeringDialer spec.peer.secret does not exist',
    });
    acceptorCluster.objects.create(peeringResource('PeeringAcceptor', 'cluster-02'));
    await waitFor(() => tokenSecret(acceptorCluster), 'token secret');
    const copied = copyToken();
    await waitFor(
      () => (synced(dialerCluster, 'PeeringDialer', 'cluster-01')?.status === 'True' ? true : undefined),
      'established',
    );
    const dialer = dialerCluster.objects.get({
      apiVersion: api,
      kind: 'PeeringDialer',
      namespace: 'default',
      name: 'cluster-01',
    });
    expect(dialer?.status).toMatchObject({
      secret: { ...secretRef, resourceVersion: copied.metadata.resourceVersion },
    });
    expect(dialerConsul.calls('POST', '/v1/peering/establish')).toHaveLength(1);
  });

  it('re-establishes on any Secret edit and reports the used token as a 403 consulAgentError', async () => {
    acceptorCluster.objects.create(peeringResource('PeeringAcceptor', 'cluster-02'));
    await waitFor(() => tokenSecret(acceptorCluster), 'token secret');
    copyToken();
    dialerCluster.objects.create(peeringResource('PeeringDialer', 'cluster-01'));
    await waitFor(
      () => (synced(dialerCluster, 'PeeringDialer', 'cluster-01')?.status === 'True' ? true : undefined),
      'established',
    );
    dialerCluster.objects.patch(
      { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'peering-token' },
      'merge',
      {
        metadata: { annotations: { touched: 'yes' } },
      },
    );
    const refused = await waitFor(
      () =>
        synced(dialerCluster, 'PeeringDialer', 'cluster-01')?.status === 'False'
          ? synced(dialerCluster, 'PeeringDialer', 'cluster-01')
          : undefined,
      '403',
    );
    expect(refused).toMatchObject({
      reason: 'consulAgentError',
      message:
        'Unexpected response code: 403 (a new peering token must be generated: invalid peering establishment secret)',
    });
  });

  it('on delete removes the Consul peering and the finalizer but keeps the Secret', async () => {
    acceptorCluster.objects.create(peeringResource('PeeringAcceptor', 'cluster-02'));
    await waitFor(() => tokenSecret(acceptorCluster), 'token secret');
    copyToken();
    const ref = { apiVersion: api, kind: 'PeeringDialer', namespace: 'default', name: 'cluster-01' };
    dialerCluster.objects.create(peeringResource('PeeringDialer', 'cluster-01'));
    await waitFor(
      () => (synced(dialerCluster, 'PeeringDialer', 'cluster-01')?.status === 'True' ? true : undefined),
      'established',
    );
    dialerCluster.objects.delete(ref);
    await waitFor(() => (dialerCluster.objects.get(ref) === undefined ? true : undefined), 'dialer gone');
    expect(dialerConsul.calls('DELETE', '/v1/peering/cluster-01')).toHaveLength(1);
    expect(tokenSecret(dialerCluster)).toBeDefined();
  });
});
