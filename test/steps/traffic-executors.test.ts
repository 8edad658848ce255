/**
 * The traffic executors against an in-memory cluster: meshpeer's part is written, others' parts
 * survive, prunes touch only meshpeer's, a second run writes nothing, and Synced is awaited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { StepOf } from '../../src/plan/index.ts';
import type { KubeObject } from '../../src/resources/consul-resources.ts';
import {
  samenessGroupResource,
  serviceIntentionsResource,
  serviceResolverResource,
} from '../../src/resources/traffic-resources.ts';
import type { StepContext } from '../../src/steps/step-context.ts';
import {
  runIntentions,
  runPruneIntentions,
  runPruneResolver,
  runResolver,
  runSamenessGroup,
} from '../../src/steps/traffic-executors.ts';
import { type ClusterSpec, loadTopologyFile } from '../../src/topology/index.ts';
import { memoryCluster } from './memory-cluster.ts';

let spec: ClusterSpec;
beforeAll(async () => {
  const r = await loadTopologyFile('desired-state-examples/failover/peerings.yaml');
  const found = r.ok ? r.topology.clusters.find((c) => c.name === 'cluster-02') : undefined;
  if (found === undefined) throw new Error('the failover example has no cluster-02');
  spec = found;
});

const place = { cluster: 'cluster-02', partition: 'default', install: 'cluster-02' };
const managed = { 'app.kubernetes.io/managed-by': 'meshpeer' };

function context(client: ReturnType<typeof memoryCluster>['client']): StepContext {
  const unused = () => {
    throw new Error('not used by traffic executors');
  };
  return {
    cluster: () => client,
    spec: () => spec,
    install: unused,
    consul: unused,
    acls: { enabled: false, reconcilerRequires: [], meshGatewayRequires: [] },
    now: () => 0,
  };
}

function objectStep<K extends 'intentions' | 'resolver' | 'sameness-group'>(kind: K, object: KubeObject) {
  return {
    id: `${kind}/cluster-02/${object.metadata.name}`,
    kind,
    action: 'create',
    lane: 'cluster-02',
    target: { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name },
    reason: 'test',
    dependsOn: [],
    params: { object },
  } as StepOf<K>;
}

function pruneStep<K extends 'prune-intentions' | 'prune-resolver'>(
  kind: K,
  namespace: string,
  name: string,
) {
  return {
    id: `${kind}/cluster-02/${namespace}/${name}`,
    kind,
    action: 'delete',
    lane: 'cluster-02',
    target: { kind: 'x', namespace, name },
    reason: 'test',
    dependsOn: [],
    params: { namespace, name },
  } as StepOf<K>;
}

const intentions = (sources: Array<{ peer: string; service: string; action: 'allow' | 'deny' }>) =>
  serviceIntentionsResource(spec, { ...place, destination: 'static-server', sources });
const allowClient = [{ peer: 'cluster-01', service: 'static-client', action: 'allow' as const }];
const theirs = { name: 'auditor', peer: 'cluster-03', action: 'allow' };

describe('intentions executors', () => {
  it('creates the ServiceIntentions with its ownership recorded, then writes nothing', async () => {
    const kube = memoryCluster();
    const step = objectStep('intentions', intentions(allowClient));
    expect(await runIntentions(step, context(kube.client))).toMatchObject({ type: 'done' });
    const live = kube.find('ServiceIntentions', 'consul', 'static-server');
    expect(live?.metadata.annotations).toEqual({
      'meshpeer.dev/owned-intentions': '["peer:cluster-01/default/static-client"]',
    });
    expect(live?.metadata.labels).toEqual(managed);
    const writes = kube.writes();
    expect(await runIntentions(step, context(kube.client))).toMatchObject({ type: 'unchanged' });
    expect(kube.writes()).toBe(writes);
  });

  it('merges into the one another team made for the destination, whatever its name, keeping its sources', async () => {
    const kube = memoryCluster();
    kube.seed({
      kind: 'ServiceIntentions',
      metadata: { name: 'team-rules', namespace: 'apps' },
      spec: { destination: { name: 'static-server' }, sources: [theirs] },
    });
    expect(
      await runIntentions(objectStep('intentions', intentions(allowClient)), context(kube.client)),
    ).toMatchObject({
      type: 'done',
    });
    const live = kube.find('ServiceIntentions', 'apps', 'team-rules');
    expect(live?.spec?.sources).toEqual([
      theirs,
      { name: 'static-client', peer: 'cluster-01', action: 'allow' },
    ]);
    expect(live?.metadata.labels).toBeUndefined();
    expect(kube.find('ServiceIntentions', 'consul', 'static-server')).toBeUndefined();
    // The destination left the file: only meshpeer's source goes.
    expect(
      await runPruneIntentions(pruneStep('prune-intentions', 'apps', 'team-rules'), context(kube.client)),
    ).toMatchObject({
      type: 'done',
    });
    expect(kube.find('ServiceIntentions', 'apps', 'team-rules')?.spec?.sources).toEqual([theirs]);
  });

  it('refuses to overwrite a source others wrote with another action', async () => {
    const kube = memoryCluster();
    kube.seed({
      kind: 'ServiceIntentions',
      metadata: { name: 'static-server', namespace: 'consul' },
      spec: {
        destination: { name: 'static-server' },
        sources: [{ name: 'static-client', peer: 'cluster-01', action: 'deny' }],
      },
    });
    const outcome = await runIntentions(
      objectStep('intentions', intentions(allowClient)),
      context(kube.client),
    );
    expect(outcome).toMatchObject({ type: 'terminal' });
    expect(outcome.type === 'terminal' && outcome.reason).toContain('peer:cluster-01/default/static-client');
    expect(kube.writes()).toBe(0);
  });

  it('deletes one meshpeer created when its sources are all that is left, and refuses to empty another team’s', async () => {
    const kube = memoryCluster();
    await runIntentions(objectStep('intentions', intentions(allowClient)), context(kube.client));
    expect(
      await runPruneIntentions(
        pruneStep('prune-intentions', 'consul', 'static-server'),
        context(kube.client),
      ),
    ).toMatchObject({
      type: 'done',
      detail: "deleted ServiceIntentions static-server: it held only meshpeer's sources",
    });
    kube.seed({
      kind: 'ServiceIntentions',
      metadata: {
        name: 'team',
        namespace: 'apps',
        annotations: { 'meshpeer.dev/owned-intentions': '["peer:cluster-01/default/static-client"]' },
      },
      spec: {
        destination: { name: 'other' },
        sources: [{ name: 'static-client', peer: 'cluster-01', action: 'allow' }],
      },
    });
    expect(
      await runPruneIntentions(pruneStep('prune-intentions', 'apps', 'team'), context(kube.client)),
    ).toMatchObject({
      type: 'terminal',
    });
  });

  it('waits for Synced and reports a Synced=False as it is', async () => {
    const kube = memoryCluster('cluster-02', () => ({
      status: 'False',
      reason: 'ConsulAgentError',
      message: 'boom',
    }));
    expect(
      await runIntentions(objectStep('intentions', intentions(allowClient)), context(kube.client)),
    ).toEqual({
      type: 'waiting',
      detail: 'waiting for ServiceIntentions static-server to sync: ConsulAgentError boom',
      recheckMs: 500,
      wrote: true,
    });
  });
});

describe('resolver executors', () => {
  const failover = () =>
    serviceResolverResource(spec, { ...place, service: 'static-server', targets: [{ peer: 'cluster-01' }] });

  it('writes failover["*"] into another team’s resolver, keeping its fields, then writes nothing', async () => {
    const kube = memoryCluster();
    kube.seed({
      kind: 'ServiceResolver',
      metadata: { name: 'static-server', namespace: 'apps' },
      spec: { connectTimeout: '5s', failover: { v1: { service: 'old' } } },
    });
    const step = objectStep('resolver', failover());
    expect(await runResolver(step, context(kube.client))).toMatchObject({ type: 'done' });
    const live = kube.find('ServiceResolver', 'apps', 'static-server');
    expect(live?.spec).toEqual({
      connectTimeout: '5s',
      failover: { v1: { service: 'old' }, '*': { targets: [{ peer: 'cluster-01' }] } },
    });
    expect(live?.metadata.annotations).toEqual({ 'meshpeer.dev/owned-failover': '*' });
    const writes = kube.writes();
    expect(await runResolver(step, context(kube.client))).toMatchObject({ type: 'unchanged' });
    expect(kube.writes()).toBe(writes);
    expect(
      await runPruneResolver(pruneStep('prune-resolver', 'apps', 'static-server'), context(kube.client)),
    ).toMatchObject({
      type: 'done',
    });
    const pruned = kube.find('ServiceResolver', 'apps', 'static-server');
    expect(pruned?.spec).toEqual({ connectTimeout: '5s', failover: { v1: { service: 'old' } } });
    expect(pruned?.metadata.annotations).toEqual({});
  });

  it('refuses a failover beside a redirect', async () => {
    const kube = memoryCluster();
    kube.seed({
      kind: 'ServiceResolver',
      metadata: { name: 'static-server', namespace: 'consul' },
      spec: { redirect: { service: 'elsewhere' } },
    });
    const outcome = await runResolver(objectStep('resolver', failover()), context(kube.client));
    expect(outcome.type === 'terminal' && outcome.reason).toContain('has a redirect');
  });

  it('deletes a resolver meshpeer created once its failover leaves the file', async () => {
    const kube = memoryCluster();
    await runResolver(objectStep('resolver', failover()), context(kube.client));
    expect(kube.find('ServiceResolver', 'consul', 'static-server')?.metadata.labels).toEqual(managed);
    expect(
      await runPruneResolver(pruneStep('prune-resolver', 'consul', 'static-server'), context(kube.client)),
    ).toMatchObject({
      type: 'done',
    });
    expect(kube.find('ServiceResolver', 'consul', 'static-server')).toBeUndefined();
  });
});

describe('sameness-group executor', () => {
  const group = (members: Array<{ peer: string } | { partition: string }>) =>
    samenessGroupResource({ ...place, name: 'shop', defaultForFailover: true, includeLocal: true, members });

  it('creates a labelled group in namespace default, then writes nothing', async () => {
    const kube = memoryCluster();
    const step = objectStep('sameness-group', group([{ peer: 'cluster-01' }]));
    expect(await runSamenessGroup(step, context(kube.client))).toMatchObject({ type: 'done' });
    expect(kube.find('SamenessGroup', 'default', 'shop')?.metadata.labels).toEqual(managed);
    const writes = kube.writes();
    expect(await runSamenessGroup(step, context(kube.client))).toMatchObject({ type: 'unchanged' });
    expect(kube.writes()).toBe(writes);
  });

  it('adopts an unlabelled group for the declared fields and leaves it unlabelled', async () => {
    const kube = memoryCluster();
    kube.seed({
      kind: 'SamenessGroup',
      metadata: { name: 'shop', namespace: 'default', labels: { team: 'payments' } },
      spec: { includeLocal: true, members: [] },
    });
    const outcome = await runSamenessGroup(
      objectStep('sameness-group', group([{ peer: 'cluster-01' }])),
      context(kube.client),
    );
    expect(outcome).toMatchObject({ type: 'done', detail: expect.stringContaining('left unlabelled') });
    const live = kube.find('SamenessGroup', 'default', 'shop');
    expect(live?.metadata.labels).toEqual({ team: 'payments' });
    expect(live?.spec).toEqual({
      defaultForFailover: true,
      includeLocal: true,
      members: [{ peer: 'cluster-01' }],
    });
  });
});
