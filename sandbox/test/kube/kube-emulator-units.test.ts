import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FaultInjector } from '../../src/kube/admin/fault-injector.ts';
import { applyJsonPatch, JsonPatchError } from '../../src/kube/patch/json-patch.ts';
import { applyMergePatch } from '../../src/kube/patch/merge-patch.ts';
import { applyStrategicMergePatch } from '../../src/kube/patch/strategic-merge-patch.ts';
import { defaultCatalog } from '../../src/kube/resource-catalog.ts';
import { parseFieldSelector, parseLabelSelector } from '../../src/kube/selectors.ts';
import { clusterName, Sandbox } from '../../src/sandbox.ts';

const obj = (labels: Record<string, string>) => ({ metadata: { name: 'n', namespace: 'ns', labels } });

describe('patch engines', () => {
  it('applies RFC 6902 operations and fails a test operation', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'copy', from: '/d', path: '/e' },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/e', value: 'y' },
    ]);
    expect(out).toEqual({ a: { b: [2, 3] }, d: 'x', e: 'y' });
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/c', value: 'z' }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/missing' }])).toThrow(/nonexistent/);
  });

  it('merges RFC 7386 patches: null deletes, lists replace', () => {
    expect(
      applyMergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1] }, { a: null, b: { c: null, e: 4 }, l: [2] }),
    ).toEqual({ b: { d: 3, e: 4 }, l: [2] });
  });

  it('merges lists by patch merge key and honours strategic directives', () => {
    const live = {
      metadata: { finalizers: ['a'] },
      spec: {
        containers: [
          { name: 'app', image: 'v1' },
          { name: 'side', image: 's' },
        ],
        ports: [{ port: 80, name: 'http' }],
      },
    };
    const out = applyStrategicMergePatch(live, {
      metadata: { finalizers: ['b'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [
          { name: 'app', image: 'v2' },
          { name: 'side', $patch: 'delete' },
        ],
        ports: [{ port: 443, name: 'https' }],
      },
    });
    expect(out).toEqual({
      metadata: { finalizers: ['a', 'b'] },
      spec: {
        containers: [{ name: 'app', image: 'v2' }],
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      },
    });
    expect(
      applyStrategicMergePatch({ data: { a: '1', b: '2' } }, { data: { $patch: 'replace', c: '3' } }),
    ).toEqual({ data: { c: '3' } });
    expect(
      applyStrategicMergePatch(
        { metadata: { finalizers: ['a', 'b'] } },
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      ),
    ).toEqual({
      metadata: { finalizers: ['b'] },
    });
  });
});

describe('selectors', () => {
  it('parses equality, set and existence label requirements', () => {
    const match = parseLabelSelector('app=web,tier!=db,env in (prod, staging),team notin (x),owner,!legacy');
    expect(match(obj({ app: 'web', env: 'prod', owner: 'me' }))).toBe(true);
    expect(match(obj({ app: 'web', env: 'dev', owner: 'me' }))).toBe(false);
    expect(match(obj({ app: 'web', env: 'prod', owner: 'me', legacy: 'y' }))).toBe(false);
    expect(() => parseLabelSelector('a b c')).toThrow(/unable to parse requirement/);
  });

  it('supports metadata fields everywhere and per-kind fields, refusing others', () => {
    const secrets = defaultCatalog().require('v1', 'Secret');
    const match = parseFieldSelector('metadata.name=n,type!=kubernetes.io/tls', secrets);
    expect(match({ ...obj({}), type: 'Opaque' })).toBe(true);
    expect(() => parseFieldSelector('spec.x=1', secrets)).toThrow(/field label not supported: spec.x/);
  });
});

describe('fault injector', () => {
  it('matches verbs and resources (subresources by their base) and adds jittered latency', () => {
    const faults = new FaultInjector(() => 0.5);
    faults.configure({
      latency: { fixedMs: 10, jitterMs: 4 },
      rules: [{ verbs: ['patch'], resources: ['peeringacceptors'], rate: 0.6, fault: 409 }],
    });
    expect(faults.decide('patch', 'peeringacceptors/status')).toEqual({ delayMs: 12, fault: 409 });
    expect(faults.decide('get', 'peeringacceptors')).toEqual({ delayMs: 12 });
    expect(() => faults.configure({ rules: [{ rate: 0.5, fault: 404 as never }] })).toThrow(/500, 429, 409/);
  });
});

describe('sandbox composition', () => {
  it('names clusters zero-padded to the width of the count', () => {
    expect(clusterName(1, 3)).toBe('cluster-01');
    expect(clusterName(7, 120)).toBe('cluster-007');
  });

  it('starts N clusters and writes a kubeconfig with one context and a unique user per cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpeer-sandbox-'));
    const sandbox = await Sandbox.start({ clusters: 3, dir, persist: false });
    try {
      const config = parse(await readFile(join(dir, 'kubeconfig'), 'utf8')) as {
        clusters: Array<{ name: string; cluster: Record<string, string> }>;
        users: Array<{ name: string }>;
        contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
      };
      expect(config.contexts.map((c) => c.name)).toEqual(['cluster-01', 'cluster-02', 'cluster-03']);
      expect(config.users.map((u) => u.name)).toEqual([
        'cluster-01-admin',
        'cluster-02-admin',
        'cluster-03-admin',
      ]);
      expect(config.clusters[0]?.cluster['certificate-authority-data']).toBeDefined();
      expect(new Set(sandbox.clusters.map((c) => c.kube.token)).size).toBe(3);
      sandbox
        .cluster('cluster-02')
        .attach({ name: 'consul', endpoints: () => ({ http: 'http://127.0.0.1:1' }), stop: async () => {} });
      await sandbox.writeFiles();
      const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as {
        clusters: Array<{ components: Record<string, unknown> }>;
      };
      expect(manifest.clusters[1]?.components).toEqual({ consul: { http: 'http://127.0.0.1:1' } });
      expect(() => sandbox.cluster('cluster-09')).toThrow(/no sandbox cluster named "cluster-09"/);
    } finally {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
