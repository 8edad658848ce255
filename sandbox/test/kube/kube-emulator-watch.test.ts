import {
  CoreV1Api,
  type KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { kubeConfigFor, waitFor } from '../sandbox-test-helpers.ts';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Seen {
  type: string;
  name: string | undefined;
  resourceVersion: string | undefined;
  code?: number;
}

let cluster: SandboxCluster;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  cluster = await SandboxCluster.start({
    name: 'watch-01',
    kube: { historyLimit: 25, bookmarkIntervalMs: 20 },
  });
  kc = kubeConfigFor(cluster);
  core = kc.makeApiClient(CoreV1Api);
  for (const name of ['w1', 'w2', 'w3', 'w4']) await core.createNamespace({ body: { metadata: { name } } });
});

afterAll(async () => {
  await cluster?.stop();
});

function secret(name: string, value: string): V1Secret {
  return { metadata: { name, labels: { app: 'watch' } }, stringData: { v: value } };
}

/** Starts a raw watch and collects what it sees, plus whether the stream ended. */
async function collect(path: string, query: Record<string, string | boolean>) {
  const events: Seen[] = [];
  const state = { done: false, error: undefined as unknown };
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string }; code?: number }) => {
      const seen: Seen = { type, name: obj.metadata?.name, resourceVersion: obj.metadata?.resourceVersion };
      if (obj.code !== undefined) seen.code = obj.code;
      events.push(seen);
    },
    (err) => {
      state.done = true;
      state.error = err;
    },
  );
  return { events, state, stop: () => controller.abort() };
}

describe('watch over HTTP with the client-node Watch', () => {
  it('streams ADDED, MODIFIED and DELETED from the list resourceVersion', async () => {
    const list = await core.listNamespacedSecret({ namespace: 'w1' });
    const watch = await collect('/api/v1/namespaces/w1/secrets', {
      resourceVersion: list.metadata?.resourceVersion ?? '',
    });
    await core.createNamespacedSecret({ namespace: 'w1', body: secret('a', '1') });
    await core.patchNamespacedSecret({ namespace: 'w1', name: 'a', body: { stringData: { v: '2' } } }, merge);
    await core.deleteNamespacedSecret({ namespace: 'w1', name: 'a' });
    await waitFor(() => (watch.events.length >= 3 ? true : undefined), 'three events');
    watch.stop();
    expect(watch.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    const versions = watch.events.map((e) => Number(e.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
  });

  it('resumes from a resourceVersion, replaying what happened since', async () => {
    const first = await core.createNamespacedSecret({ namespace: 'w2', body: secret('first', '1') });
    await core.createNamespacedSecret({ namespace: 'w2', body: secret('second', '1') });
    await core.patchNamespacedSecret(
      { namespace: 'w2', name: 'first', body: { metadata: { labels: { changed: 'yes' } } } },
      merge,
    );
    const watch = await collect('/api/v1/namespaces/w2/secrets', {
      resourceVersion: first.metadata?.resourceVersion ?? '',
    });
    await waitFor(() => (watch.events.length >= 2 ? true : undefined), 'replayed events');
    watch.stop();
    expect(watch.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED second', 'MODIFIED first']);
  });

  it('lists the current state as ADDED events when no resourceVersion is given, filtered by selectors', async () => {
    await core.createNamespacedSecret({ namespace: 'w3', body: secret('one', '1') });
    await core.createNamespacedSecret({
      namespace: 'w3',
      body: { metadata: { name: 'other' }, stringData: { v: 'x' } },
    });
    const watch = await collect('/api/v1/namespaces/w3/secrets', { labelSelector: 'app=watch' });
    await waitFor(() => (watch.events.length >= 1 ? true : undefined), 'initial events');
    await core.patchNamespacedSecret(
      { namespace: 'w3', name: 'one', body: { metadata: { labels: { app: 'gone' } } } },
      merge,
    );
    await waitFor(() => (watch.events.length >= 2 ? true : undefined), 'leaving the selector');
    watch.stop();
    expect(watch.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED one', 'DELETED one']);
  });

  it('sends BOOKMARK events that carry only a resourceVersion when asked', async () => {
    const watch = await collect('/api/v1/namespaces/w4/secrets', {
      allowWatchBookmarks: true,
      resourceVersion: cluster.objects.resourceVersion,
    });
    const bookmark = await waitFor(() => watch.events.find((e) => e.type === 'BOOKMARK'), 'a bookmark');
    watch.stop();
    expect(bookmark.name).toBeUndefined();
    expect(Number(bookmark.resourceVersion)).toBeGreaterThan(0);
  });

  it('answers a too-old resourceVersion with an ERROR event carrying a 410 Status, then ends', async () => {
    const start = await core.createNamespacedSecret({ namespace: 'w4', body: secret('old', '0') });
    for (let i = 1; i <= 30; i++)
      await core.patchNamespacedSecret(
        { namespace: 'w4', name: 'old', body: { stringData: { v: String(i) } } },
        merge,
      );
    const watch = await collect('/api/v1/namespaces/w4/secrets', {
      resourceVersion: start.metadata?.resourceVersion ?? '',
    });
    await waitFor(() => (watch.state.done ? true : undefined), 'the stream to end');
    expect(watch.events).toEqual([{ type: 'ERROR', name: undefined, resourceVersion: undefined, code: 410 }]);
  });

  it('feeds an informer that relists after a 410 when its watch is cut', async () => {
    const informer = makeInformer(kc, '/api/v1/namespaces/w1/secrets', () =>
      core.listNamespacedSecret({ namespace: 'w1' }),
    );
    const log: string[] = [];
    informer.on('add', (s) => log.push(`add ${s.metadata?.name}`));
    informer.on('update', (s) => log.push(`update ${s.metadata?.name}`));
    informer.on('delete', (s) => log.push(`delete ${s.metadata?.name}`));
    await core.createNamespacedSecret({ namespace: 'w1', body: secret('pre', '1') });
    await informer.start();
    await waitFor(() => (log.includes('add pre') ? true : undefined), 'the initial list');
    await core.createNamespacedSecret({ namespace: 'w1', body: secret('live', '1') });
    await core.patchNamespacedSecret(
      { namespace: 'w1', name: 'live', body: { stringData: { v: '2' } } },
      merge,
    );
    await waitFor(() => (log.includes('update live') ? true : undefined), 'a watched update');
    const listsBefore = cluster.requests.count({ verb: 'list', resource: 'secrets' });
    // Cut the watch, then let a change happen and be compacted away: the resumed watch gets a 410.
    expect(cluster.kube.closeWatches()).toBeGreaterThan(0);
    cluster.objects.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'while-away', namespace: 'w1' },
      stringData: { v: '1' },
    });
    cluster.kube.store.compact();
    await waitFor(
      () => (cluster.requests.count({ verb: 'list', resource: 'secrets' }) > listsBefore ? true : undefined),
      'a relist',
    );
    await core.deleteNamespacedSecret({ namespace: 'w1', name: 'pre' });
    await waitFor(() => (log.includes('delete pre') ? true : undefined), 'a delete after the relist');
    await informer.stop();
    expect(log).toContain('add while-away');
    expect(
      informer
        .list('w1')
        .map((s) => s.metadata?.name)
        .sort(),
    ).toEqual(['live', 'while-away']);
  });
});

describe('in-process watch for simulated controllers', () => {
  it('delivers copies of events and supports resuming and 410', async () => {
    const seen: string[] = [];
    const rv = cluster.objects.resourceVersion;
    const stop = cluster.objects.watch('v1', 'Secret', { namespace: 'w3', resourceVersion: rv }, (e) => {
      e.object.metadata.name = 'mutated';
      seen.push(e.type);
    });
    cluster.objects.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ip', namespace: 'w3' } });
    stop();
    expect(seen).toEqual(['ADDED']);
    expect(
      cluster.objects.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'w3', name: 'ip' }),
    ).toBeDefined();
    cluster.kube.store.compact();
    expect(() => cluster.objects.watch('v1', 'Secret', { resourceVersion: rv }, () => {})).toThrow(
      /too old resource version/,
    );
  });
});
