import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { kubeConfigFor, statusOf } from '../sandbox-test-helpers.ts';

const group = 'consul.hashicorp.com';
const version = 'v1alpha1';
const namespace = 'default';
const acceptors = { group, version, namespace, plural: 'peeringacceptors' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

// biome-ignore lint/suspicious/noExplicitAny: API objects in these tests are free-form JSON read by path.
type Obj = Record<string, any>;

function acceptor(name: string, secretName = `${name}-token`): Obj {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'PeeringAcceptor',
    metadata: { name, labels: { team: 'mesh' } },
    spec: { peer: { secret: { name: secretName, key: 'data', backend: 'kubernetes' } } },
  };
}

let cluster: SandboxCluster;
let kc: KubeConfig;
let custom: CustomObjectsApi;
let core: CoreV1Api;

beforeAll(async () => {
  cluster = await SandboxCluster.start({ name: 'crud-01' });
  kc = kubeConfigFor(cluster);
  custom = kc.makeApiClient(CustomObjectsApi);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('custom resources through CustomObjectsApi', () => {
  it('creates (server sets uid, resourceVersion, generation, creationTimestamp) and refuses a duplicate', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...acceptors,
      body: acceptor('alpha'),
    })) as Obj;
    expect(created.metadata).toMatchObject({ name: 'alpha', namespace, generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const dup = await statusOf(
      custom.createNamespacedCustomObject({ ...acceptors, body: acceptor('alpha', 'other') }),
    );
    expect(dup).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'peeringacceptors.consul.hashicorp.com "alpha" already exists',
    });
    expect(dup.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      details: { name: 'alpha', group, kind: 'peeringacceptors' },
    });
  });

  it('gets, lists with label selectors and reports 404 as a Status', async () => {
    await custom.createNamespacedCustomObject({
      ...acceptors,
      body: { ...acceptor('beta'), metadata: { name: 'beta', labels: { team: 'edge' } } },
    });
    const got = (await custom.getNamespacedCustomObject({ ...acceptors, name: 'beta' })) as Obj;
    expect(got.spec.peer.secret.name).toBe('beta-token');
    const list = (await custom.listNamespacedCustomObject({
      ...acceptors,
      labelSelector: 'team in (edge,core),!missing',
    })) as Obj;
    expect(list.kind).toBe('PeeringAcceptorList');
    expect(list.items.map((i: Obj) => i.metadata.name)).toEqual(['beta']);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
    const missing = await statusOf(custom.getNamespacedCustomObject({ ...acceptors, name: 'nope' }));
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound' });
  });

  it('replaces with a 409 Conflict on a stale resourceVersion and bumps generation on spec changes only', async () => {
    const current = (await custom.getNamespacedCustomObject({ ...acceptors, name: 'alpha' })) as Obj;
    const labelled = {
      ...current,
      metadata: { ...current.metadata, labels: { team: 'mesh', tier: 'gold' } },
    };
    const afterLabel = (await custom.replaceNamespacedCustomObject({
      ...acceptors,
      name: 'alpha',
      body: labelled,
    })) as Obj;
    expect(afterLabel.metadata.generation).toBe(1);
    expect(afterLabel.metadata.resourceVersion).not.toBe(current.metadata.resourceVersion);
    const stale = { ...current, spec: { peer: { secret: { name: 'x', key: 'k', backend: 'kubernetes' } } } };
    const conflict = await statusOf(
      custom.replaceNamespacedCustomObject({ ...acceptors, name: 'alpha', body: stale }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.reason).toBe('Conflict');
    expect(conflict.message).toContain(
      'the object has been modified; please apply your changes to the latest version',
    );
    const fresh = { ...stale, metadata: afterLabel.metadata };
    const afterSpec = (await custom.replaceNamespacedCustomObject({
      ...acceptors,
      name: 'alpha',
      body: fresh,
    })) as Obj;
    expect(afterSpec.metadata.generation).toBe(2);
  });

  it('patches with merge patch and JSON patch (the default), and refuses strategic merge with 415', async () => {
    const merged = (await custom.patchNamespacedCustomObject(
      {
        ...acceptors,
        name: 'beta',
        body: { metadata: { annotations: { 'consul.hashicorp.com/peering-version': '2' } } },
      },
      merge,
    )) as Obj;
    expect(merged.metadata.annotations['consul.hashicorp.com/peering-version']).toBe('2');
    const patched = (await custom.patchNamespacedCustomObject({
      ...acceptors,
      name: 'beta',
      body: [
        { op: 'test', path: '/spec/peer/secret/key', value: 'data' },
        { op: 'replace', path: '/spec/peer/secret/key', value: 'token' },
      ],
    })) as Obj;
    expect(patched.spec.peer.secret.key).toBe('token');
    expect(patched.metadata.generation).toBe(2);
    const failedTest = await statusOf(
      custom.patchNamespacedCustomObject({
        ...acceptors,
        name: 'beta',
        body: [{ op: 'test', path: '/spec/peer/secret/key', value: 'nope' }],
      }),
    );
    expect(failedTest.code).toBe(422);
    const smp = await statusOf(
      custom.patchNamespacedCustomObject({ ...acceptors, name: 'beta', body: { metadata: {} } }, strategic),
    );
    expect(smp).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    expect(smp.message).toContain('application/merge-patch+json');
  });

  it('refuses a merge patch that carries a stale resourceVersion', async () => {
    const result = await statusOf(
      custom.patchNamespacedCustomObject(
        { ...acceptors, name: 'beta', body: { metadata: { resourceVersion: '1' } } },
        merge,
      ),
    );
    expect(result).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('server-side applies: creates, detects field manager conflicts, forces, and prunes dropped fields', async () => {
    const config = {
      ...acceptor('gamma'),
      metadata: { name: 'gamma', namespace, labels: { a: '1', b: '2' } },
    };
    const created = (await custom.patchNamespacedCustomObject(
      { ...acceptors, name: 'gamma', body: config, fieldManager: 'meshpeer', force: true },
      apply,
    )) as Obj;
    expect(created.metadata.labels).toEqual({ a: '1', b: '2' });
    expect(created.metadata.managedFields[0]).toMatchObject({ manager: 'meshpeer', operation: 'Apply' });
    await custom.patchNamespacedCustomObject(
      {
        ...acceptors,
        name: 'gamma',
        body: { spec: { peer: { secret: { key: 'changed' } } } },
        fieldManager: 'someone',
      },
      merge,
    );
    const clash = await statusOf(
      custom.patchNamespacedCustomObject(
        { ...acceptors, name: 'gamma', body: config, fieldManager: 'meshpeer' },
        apply,
      ),
    );
    expect(clash.code).toBe(409);
    expect(clash.message).toBe(
      'Apply failed with 1 conflict: conflict with "someone" using consul.hashicorp.com/v1alpha1: .spec.peer.secret.key',
    );
    const smaller = { ...config, metadata: { name: 'gamma', namespace, labels: { a: '1' } } };
    const forced = (await custom.patchNamespacedCustomObject(
      { ...acceptors, name: 'gamma', body: smaller, fieldManager: 'meshpeer', force: true },
      apply,
    )) as Obj;
    expect(forced.spec.peer.secret.key).toBe('data');
    expect(forced.metadata.labels).toEqual({ a: '1' });
    const noManager = await statusOf(
      custom.patchNamespacedCustomObject({ ...acceptors, name: 'gamma', body: config }, apply),
    );
    expect(noManager.code).toBe(400);
  });

  it('honours dryRun=All for create, patch and delete', async () => {
    const dry = (await custom.createNamespacedCustomObject({
      ...acceptors,
      body: acceptor('dry'),
      dryRun: 'All',
    })) as Obj;
    expect(dry.metadata.name).toBe('dry');
    expect((await statusOf(custom.getNamespacedCustomObject({ ...acceptors, name: 'dry' }))).code).toBe(404);
    const before = (await custom.getNamespacedCustomObject({ ...acceptors, name: 'beta' })) as Obj;
    await custom.patchNamespacedCustomObject(
      { ...acceptors, name: 'beta', body: { spec: { peer: { secret: { key: 'dry' } } } }, dryRun: 'All' },
      merge,
    );
    await custom.deleteNamespacedCustomObject({ ...acceptors, name: 'beta', dryRun: 'All' });
    const after = (await custom.getNamespacedCustomObject({ ...acceptors, name: 'beta' })) as Obj;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('keeps spec and status apart: the status subresource ignores spec, the main resource ignores status', async () => {
    const current = (await custom.getNamespacedCustomObject({ ...acceptors, name: 'alpha' })) as Obj;
    const status = {
      conditions: [{ type: 'Synced', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }],
      latestPeeringVersion: 2,
    };
    const viaStatus = (await custom.replaceNamespacedCustomObjectStatus({
      ...acceptors,
      name: 'alpha',
      body: {
        ...current,
        spec: { peer: { secret: { name: 'ignored', key: 'x', backend: 'kubernetes' } } },
        status,
      },
    })) as Obj;
    expect(viaStatus.status).toEqual(status);
    expect(viaStatus.spec).toEqual(current.spec);
    expect(viaStatus.metadata.generation).toBe(current.metadata.generation);
    const patched = (await custom.patchNamespacedCustomObjectStatus(
      { ...acceptors, name: 'alpha', body: { status: { lastSyncedTime: '2025-01-02T00:00:00Z' } } },
      merge,
    )) as Obj;
    expect(patched.status.lastSyncedTime).toBe('2025-01-02T00:00:00Z');
    const viaMain = (await custom.patchNamespacedCustomObject(
      { ...acceptors, name: 'alpha', body: { status: { latestPeeringVersion: 9 } } },
      merge,
    )) as Obj;
    expect(viaMain.status.latestPeeringVersion).toBe(2);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    const body = {
      ...acceptor('fin'),
      metadata: { name: 'fin', finalizers: ['finalizers.consul.hashicorp.com'] },
    };
    await custom.createNamespacedCustomObject({ ...acceptors, body });
    const deleting = (await custom.deleteNamespacedCustomObject({ ...acceptors, name: 'fin' })) as Obj;
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    const still = (await custom.getNamespacedCustomObject({ ...acceptors, name: 'fin' })) as Obj;
    expect(still.metadata.finalizers).toEqual(['finalizers.consul.hashicorp.com']);
    const addMore = await statusOf(
      custom.patchNamespacedCustomObject(
        {
          ...acceptors,
          name: 'fin',
          body: { metadata: { finalizers: ['a/b', 'finalizers.consul.hashicorp.com'] } },
        },
        merge,
      ),
    );
    expect(addMore.code).toBe(422);
    await custom.patchNamespacedCustomObject(
      { ...acceptors, name: 'fin', body: { metadata: { finalizers: null } } },
      merge,
    );
    expect((await statusOf(custom.getNamespacedCustomObject({ ...acceptors, name: 'fin' }))).code).toBe(404);
  });
});

describe('validation the real server and the consul-k8s webhooks apply', () => {
  it('refuses unknown fields under fieldValidation=Strict and prunes them under Warn', async () => {
    const body = { ...acceptor('strict'), spec: { ...acceptor('strict').spec, extra: true } };
    const strict = await statusOf(
      custom.createNamespacedCustomObject({ ...acceptors, body, fieldValidation: 'Strict' }),
    );
    expect(strict).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(strict.message).toContain('unknown field "spec.extra"');
    const warned = (await custom.createNamespacedCustomObject({
      ...acceptors,
      body,
      fieldValidation: 'Warn',
    })) as Obj;
    expect(warned.spec.extra).toBeUndefined();
  });

  it('applies names, required fields, backend, singletons, enums and one acceptor per Secret', async () => {
    const badName = await statusOf(
      custom.createNamespacedCustomObject({ ...acceptors, body: acceptor('Bad_Name') }),
    );
    expect(badName).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(badName.message).toContain('a lowercase RFC 1123 subdomain');
    const noPeer = await statusOf(
      custom.createNamespacedCustomObject({ ...acceptors, body: { ...acceptor('nopeer'), spec: {} } }),
    );
    expect(noPeer).toMatchObject({
      code: 422,
      message: 'PeeringAcceptor.consul.hashicorp.com "nopeer" is invalid: spec.peer: Required value',
    });
    const vault = acceptor('vault');
    vault.spec.peer.secret.backend = 'vault';
    const backend = await statusOf(custom.createNamespacedCustomObject({ ...acceptors, body: vault }));
    expect(backend.code).toBe(400);
    expect(backend.message).toContain('denied the request');
    expect(backend.message).toContain('backend must be "kubernetes"');
    const sameSecret = await statusOf(
      custom.createNamespacedCustomObject({ ...acceptors, body: acceptor('delta', 'beta-token') }),
    );
    expect(sameSecret.message).toContain('an existing PeeringAcceptor resource has the same secret name');
    const meshes = { group, version, namespace, plural: 'meshes' };
    const mesh = (name: string) => ({
      apiVersion: `${group}/${version}`,
      kind: 'Mesh',
      metadata: { name },
      spec: { peering: { peerThroughMeshGateways: true } },
    });
    expect(
      (await statusOf(custom.createNamespacedCustomObject({ ...meshes, body: mesh('other') }))).message,
    ).toContain('mesh resource name must be "mesh"');
    await custom.createNamespacedCustomObject({ ...meshes, body: mesh('mesh') });
    const proxies = { group, version, namespace, plural: 'proxydefaults' };
    const pd = (name: string, mode: string) => ({
      apiVersion: `${group}/${version}`,
      kind: 'ProxyDefaults',
      metadata: { name },
      spec: { meshGateway: { mode } },
    });
    expect(
      (await statusOf(custom.createNamespacedCustomObject({ ...proxies, body: pd('global', 'sideways') })))
        .message,
    ).toContain('spec.meshGateway.mode: Invalid value: "sideways"');
    expect(
      (await statusOf(custom.createNamespacedCustomObject({ ...proxies, body: pd('local', 'local') }))).code,
    ).toBe(400);
    await custom.createNamespacedCustomObject({ ...proxies, body: pd('global', 'local') });
  });
});

describe('core kinds through CoreV1Api and KubernetesObjectApi', () => {
  it('folds stringData into base64 data, strategic-merges labels and selects by field', async () => {
    const secret: V1Secret = {
      metadata: { name: 'token', labels: { 'consul.hashicorp.com/peering-token': 'true' } },
      stringData: { data: 'value-1' },
    };
    const created = await core.createNamespacedSecret({ namespace, body: secret });
    expect(created.data?.data).toBe(Buffer.from('value-1').toString('base64'));
    expect(created.type).toBe('Opaque');
    const patched = await core.patchNamespacedSecret(
      { name: 'token', namespace, body: { metadata: { labels: { extra: 'yes' } } } },
      strategic,
    );
    expect(patched.metadata?.labels).toEqual({ 'consul.hashicorp.com/peering-token': 'true', extra: 'yes' });
    const list = await core.listNamespacedSecret({
      namespace,
      fieldSelector: 'type=Opaque,metadata.name=token',
      labelSelector: 'extra=yes',
    });
    expect(list.items.map((s) => s.metadata?.name)).toEqual(['token']);
    const badField = await statusOf(core.listNamespacedSecret({ namespace, fieldSelector: 'spec.nope=1' }));
    expect(badField.code).toBe(400);
    const gone = await core.deleteNamespacedSecret({ name: 'token', namespace });
    expect(gone).toMatchObject({ status: 'Success' });
  });

  it('maps kinds through discovery for KubernetesObjectApi', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec = {
      apiVersion: `${group}/${version}`,
      kind: 'ExportedServices',
      metadata: { name: 'default', namespace },
      spec: { services: [{ name: 'api', consumers: [{ peer: 'cluster-02' }] }] },
    };
    const created = (await objects.create(spec)) as Obj;
    expect(created.metadata.uid).toBeDefined();
    const read = await objects.read({
      apiVersion: spec.apiVersion,
      kind: spec.kind,
      metadata: { name: 'default', namespace },
    });
    expect(read.metadata?.name).toBe('default');
    const patched = await objects.patch(
      { ...spec, spec: { services: [{ name: 'web', consumers: [{ peer: 'cluster-03' }] }] } },
      undefined,
      undefined,
      'meshpeer',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((patched as Obj).spec.services[0].name).toBe('web');
    const listed = await objects.list(spec.apiVersion, spec.kind, namespace);
    expect(listed.items).toHaveLength(1);
    await objects.delete({
      apiVersion: spec.apiVersion,
      kind: spec.kind,
      metadata: { name: 'default', namespace },
    });
    expect(
      (
        await statusOf(
          objects.read({
            apiVersion: spec.apiVersion,
            kind: spec.kind,
            metadata: { name: 'default', namespace },
          }),
        )
      ).code,
    ).toBe(404);
  });

  it('reports a Deployment ready through its status', async () => {
    const apps = { apiVersion: 'apps/v1', kind: 'Deployment' };
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.create({
      ...apps,
      metadata: { name: 'mesh-gateway', namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'gw' } },
        template: {
          metadata: { labels: { app: 'gw' } },
          spec: { containers: [{ name: 'envoy', image: 'envoy' }] },
        },
      },
    } as never);
    const ready = await waitForReady(objects, 2);
    expect(ready.status).toMatchObject({ readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  });
});

async function waitForReady(objects: KubernetesObjectApi, replicas: number): Promise<Obj> {
  for (let i = 0; i < 200; i++) {
    const d = (await objects.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'mesh-gateway', namespace: 'default' },
    })) as Obj;
    if (d.status?.readyReplicas === replicas) return d;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('deployment never became ready');
}
