import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryMappings, matchesConsul } from '../../src/controllers/config-entry-kinds.ts';
import { ConsulK8sControllers } from '../../src/controllers/consul-k8s-controllers.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { waitFor } from '../sandbox-test-helpers.ts';
import { FakeConsul } from './fake-consul.ts';

const api = 'consul.hashicorp.com/v1alpha1';
let cluster: SandboxCluster;
let consul: FakeConsul;
let controllers: ConsulK8sControllers;

function condition(kind: string, name: string): Record<string, string> | undefined {
  const obj = cluster.objects.get({ apiVersion: api, kind, namespace: 'consul', name });
  return (obj?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions?.[0];
}

async function start(enterprise: boolean, partition?: string): Promise<void> {
  // Enterprise runs the peering controllers too, to check their partition handling.
  consul = await new FakeConsul().start();
  cluster = await SandboxCluster.start({ name: 'unit-config' });
  if (partition !== undefined) cluster.kube.service.consulWebhooks = { partition };
  cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'consul' } });
  controllers = ConsulK8sControllers.start({
    objects: cluster.objects,
    consulUrl: () => consul.url,
    datacenter: 'dc1',
    enterprise,
    ...(partition !== undefined && { partition }),
    peering: enterprise,
    maxBackoffMs: 100,
  });
}

afterEach(async () => {
  await controllers.stop();
  await Promise.all([cluster.stop(), consul.stop()]);
});

describe('config-entry controllers', () => {
  beforeEach(() => start(false));

  it('writes Mesh and ProxyDefaults with the kubernetes Meta and deletes them with the CR', async () => {
    cluster.objects.create({
      apiVersion: api,
      kind: 'Mesh',
      metadata: { name: 'mesh', namespace: 'consul' },
      spec: { peering: { peerThroughMeshGateways: true } },
    });
    cluster.objects.create({
      apiVersion: api,
      kind: 'ProxyDefaults',
      metadata: { name: 'global', namespace: 'consul' },
      spec: { meshGateway: { mode: 'local' } },
    });
    await waitFor(() => (condition('Mesh', 'mesh')?.status === 'True' ? true : undefined), 'mesh synced');
    await waitFor(
      () => (condition('ProxyDefaults', 'global')?.status === 'True' ? true : undefined),
      'pd synced',
    );
    expect(consul.entries.get('default/mesh/mesh')).toMatchObject({
      Kind: 'mesh',
      Peering: { PeerThroughMeshGateways: true },
      Meta: { 'external-source': 'kubernetes', 'consul.hashicorp.com/source-datacenter': 'dc1' },
    });
    expect(consul.entries.get('default/proxy-defaults/global')).toMatchObject({
      MeshGateway: { Mode: 'local' },
    });
    const writes = consul.calls('PUT', '/v1/config').length;
    controllers.resync();
    await controllers.idle();
    expect(consul.calls('PUT', '/v1/config')).toHaveLength(writes);
    cluster.objects.delete({ apiVersion: api, kind: 'Mesh', namespace: 'consul', name: 'mesh' });
    await waitFor(() => (consul.entries.has('default/mesh/mesh') ? undefined : true), 'mesh entry deleted');
  });

  it('refuses an entry created outside Kubernetes unless the CR asks to migrate it', async () => {
    consul.entries.set('default/mesh/mesh', {
      Kind: 'mesh',
      Name: 'mesh',
      Peering: { PeerThroughMeshGateways: false },
    });
    cluster.objects.create({
      apiVersion: api,
      kind: 'Mesh',
      metadata: { name: 'mesh', namespace: 'consul' },
      spec: { peering: { peerThroughMeshGateways: true } },
    });
    const refused = await waitFor(
      () => (condition('Mesh', 'mesh')?.status === 'False' ? condition('Mesh', 'mesh') : undefined),
      'refused',
    );
    expect(refused).toMatchObject({
      reason: 'ExternallyManagedConfigError',
      message: 'config entry already exists in Consul',
    });
    // The entry was made by hand with other content: migrating it must not overwrite it silently.
    cluster.objects.patch({ apiVersion: api, kind: 'Mesh', namespace: 'consul', name: 'mesh' }, 'merge', {
      metadata: { annotations: { 'consul.hashicorp.com/migrate-entry': 'true' } },
    });
    await waitFor(
      () => (condition('Mesh', 'mesh')?.reason === 'MigrationFailedError' ? true : undefined),
      'migration refused',
    );
    consul.entries.set('default/mesh/mesh', {
      Kind: 'mesh',
      Name: 'mesh',
      Peering: { PeerThroughMeshGateways: true },
    });
    await waitFor(() => (condition('Mesh', 'mesh')?.status === 'True' ? true : undefined), 'migrated');
    expect(consul.entries.get('default/mesh/mesh')?.Meta).toMatchObject({
      'consul.hashicorp.com/source-datacenter': 'dc1',
    });
  });

  // configentry_controller.go: a failed create is syncFailed (False), a failed update syncUnknownWithError.
  it('reports a refused create as Synced False and a refused update as Synced Unknown, both with the reason', async () => {
    const denied = "Permission denied: token with AccessorID 'x' lacks permission 'mesh:write'";
    consul.refuseConfigWrites = denied;
    const ref = { apiVersion: api, kind: 'Mesh', namespace: 'consul', name: 'mesh' };
    cluster.objects.create({
      apiVersion: api,
      kind: 'Mesh',
      metadata: { name: 'mesh', namespace: 'consul' },
      spec: { peering: { peerThroughMeshGateways: true } },
    });
    const created = await waitFor(
      () => (condition('Mesh', 'mesh')?.status === 'False' ? condition('Mesh', 'mesh') : undefined),
      'create refused',
    );
    expect(created).toMatchObject({ reason: 'ConsulAgentError' });
    expect(created?.message).toContain('writing config entry to consul');
    consul.refuseConfigWrites = undefined;
    await waitFor(() => (condition('Mesh', 'mesh')?.status === 'True' ? true : undefined), 'synced');
    consul.refuseConfigWrites = denied;
    cluster.objects.patch(ref, 'merge', { spec: { peering: { peerThroughMeshGateways: false } } });
    const updated = await waitFor(
      () => (condition('Mesh', 'mesh')?.status === 'Unknown' ? condition('Mesh', 'mesh') : undefined),
      'update refused',
    );
    expect(updated).toMatchObject({ reason: 'ConsulAgentError' });
    expect(updated?.message).toContain(`updating config entry in consul: `);
    expect(updated?.message).toContain('mesh:write');
  });

  // A brownfield proxy-defaults written with the CLI (Config.protocol, no source-datacenter Meta) and
  // meshpeer's ProxyDefaults that sets only the gateway mode: MatchesConsul compares the whole entry.
  it('refuses, then will not migrate, an entry that has fields the CR lacks', async () => {
    consul.entries.set('default/proxy-defaults/global', {
      Kind: 'proxy-defaults',
      Name: 'global',
      Config: { protocol: 'http' },
      MeshGateway: { Mode: 'local' },
    });
    const ref = { apiVersion: api, kind: 'ProxyDefaults', namespace: 'consul', name: 'global' };
    cluster.objects.create({
      apiVersion: api,
      kind: 'ProxyDefaults',
      metadata: { name: 'global', namespace: 'consul' },
      spec: { meshGateway: { mode: 'local' } },
    });
    const reasonOf = () => condition('ProxyDefaults', 'global')?.reason;
    await waitFor(() => (reasonOf() === 'ExternallyManagedConfigError' ? true : undefined), 'refused');
    cluster.objects.patch(ref, 'merge', {
      metadata: { annotations: { 'consul.hashicorp.com/migrate-entry': 'true' } },
    });
    await waitFor(() => (reasonOf() === 'MigrationFailedError' ? true : undefined), 'migration refused');
    // With the entry's Config copied into the CR the two are equal, and the migration goes through.
    cluster.objects.patch(ref, 'merge', { spec: { config: { protocol: 'http' } } });
    await waitFor(
      () => (condition('ProxyDefaults', 'global')?.status === 'True' ? true : undefined),
      'migrated',
    );
    expect(consul.entries.get('default/proxy-defaults/global')).toMatchObject({
      Config: { protocol: 'http' },
      Meta: { 'consul.hashicorp.com/source-datacenter': 'dc1' },
    });
  });

  it('maps every Mesh and ProxyDefaults field as ToConsul does, user data as written, spec.mode never', () => {
    const cr = (kind: string, spec: Record<string, unknown>) => ({
      apiVersion: api,
      kind,
      metadata: { name: kind === 'Mesh' ? 'mesh' : 'global', namespace: 'consul' },
      spec,
    });
    const meshEntry = entryMappings.Mesh.toConsul(
      cr('Mesh', {
        tls: { incoming: { tlsMinVersion: 'TLSv1_2' } },
        http: { sanitizeXForwardedClientCert: true },
        peering: { peerThroughMeshGateways: true },
      }),
      'dc1',
    );
    expect(meshEntry).toMatchObject({
      TLS: { Incoming: { TLSMinVersion: 'TLSv1_2' } },
      HTTP: { SanitizeXForwardedClientCert: true },
      Peering: { PeerThroughMeshGateways: true },
    });
    const pd = entryMappings.ProxyDefaults.toConsul(
      cr('ProxyDefaults', {
        mode: 'transparent',
        config: { local_request_timeout_ms: 1000 },
        accessLogs: { enabled: true, jsonFormat: '{}' },
        envoyExtensions: [{ name: 'builtin/lua', arguments: { proxyType: 'connect-proxy' } }],
      }),
      'dc1',
    );
    expect(pd).toMatchObject({
      Config: { local_request_timeout_ms: 1000 },
      AccessLogs: { Enabled: true, JSONFormat: '{}' },
      EnvoyExtensions: [{ Name: 'builtin/lua', Arguments: { proxyType: 'connect-proxy' } }],
    });
    expect(pd).not.toHaveProperty('Mode');
  });

  it('compares Mesh, ProxyDefaults and ExportedServices whole, like cmp.Equal with EquateEmpty', () => {
    const matches = (kind: 'Mesh' | 'ExportedServices', desired: object, actual: object) =>
      entryMappings[kind].matches?.(
        { Kind: 'k', Name: 'n', ...desired },
        { Kind: 'k', Name: 'n', ...actual },
        'default',
      );
    expect(matches('Mesh', { Peering: { PeerThroughMeshGateways: true } }, { TLS: {} })).toBe(false);
    expect(
      matches(
        'Mesh',
        { Peering: { PeerThroughMeshGateways: true } },
        {
          Peering: { PeerThroughMeshGateways: true },
          TLS: { Incoming: null },
          Meta: { a: 'b' },
          ModifyIndex: 9,
        },
      ),
    ).toBe(true);
    expect(matches('Mesh', {}, { TLS: { Incoming: { TLSMinVersion: 'TLSv1_2' } } })).toBe(false);
    const consumer = (Partition: string) => ({ Services: [{ Name: 'a', Consumers: [{ Partition }] }] });
    expect(matches('ExportedServices', consumer(''), consumer('default'))).toBe(true);
    expect(matches('ExportedServices', consumer('team-b'), consumer('default'))).toBe(false);
  });

  it('compares the traffic kinds leniently: missing equals zero, extra Consul fields are ignored', () => {
    expect(matchesConsul({ Peering: { PeerThroughMeshGateways: false } }, { TLS: { Incoming: null } })).toBe(
      true,
    );
    expect(matchesConsul({ MeshGateway: { Mode: 'local' } }, { MeshGateway: { Mode: 'remote' } })).toBe(
      false,
    );
    expect(matchesConsul({ Services: [{ Name: 'a' }] }, { Services: [{ Name: 'a' }, { Name: 'b' }] })).toBe(
      false,
    );
  });
});

describe('config-entry controllers on Enterprise', () => {
  beforeEach(() => start(true, 'team-b'));

  // consul-k8s serves one partition per install: every entry and peering call carries the
  // install's partition (configentry_controller.go ConsulPartition), whatever the resource.
  it("sends ?partition= of the install's partition for config entries and peerings", async () => {
    cluster.objects.create({
      apiVersion: api,
      kind: 'ExportedServices',
      metadata: { name: 'team-b', namespace: 'consul' },
      spec: { services: [{ name: 'api', consumers: [{ peer: 'cluster-02-default' }] }] },
    });
    cluster.objects.create({
      apiVersion: api,
      kind: 'PeeringAcceptor',
      metadata: { name: 'cluster-02', namespace: 'consul' },
      spec: { peer: { secret: { name: 'token', key: 'data', backend: 'kubernetes' } } },
    });
    await waitFor(
      () => (condition('ExportedServices', 'team-b')?.status === 'True' ? true : undefined),
      'synced',
    );
    expect(consul.calls('PUT', '/v1/config')[0]).toMatchObject({
      partition: 'team-b',
      body: {
        Kind: 'exported-services',
        Name: 'team-b',
        Services: [{ Name: 'api', Consumers: [{ Peer: 'cluster-02-default' }] }],
      },
    });
    await waitFor(() => consul.calls('POST', '/v1/peering/token')[0], 'token call');
    expect(consul.calls('POST', '/v1/peering/token')[0]).toMatchObject({ partition: 'team-b' });
  });
});
