import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor } from '../../src/kube/kube-config.ts';
import type { ClusterSpec } from '../../src/topology/index.ts';

const spec = (name: string) => ({ name, context: name }) as ClusterSpec;

function kubeconfigText(names: string[], server = (i: number) => `https://127.0.0.1:${6443 + i}`): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((n, i) => ({ name: n, cluster: { server: server(i) } })),
    users: names.map((n) => ({ name: `${n}-user`, user: { token: `token-of-${n}-0123456789` } })),
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: `${n}-user` } })),
    'current-context': names[0],
  });
}

describe('kubeConfigFor', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-kc-'));
    file = join(dir, 'kubeconfig');
    await writeFile(file, kubeconfigText(['a', 'b', 'c']));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps only the cluster’s own context, cluster and user', () => {
    const kc = kubeConfigFor(spec('b'), { kubeconfig: file });
    expect(kc.getCurrentContext()).toBe('b');
    expect(kc.clusters.map((c) => c.name)).toEqual(['b']);
    expect(kc.users.map((u) => [u.name, u.token])).toEqual([['b-user', 'token-of-b-0123456789']]);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6444');
  });

  it('honours a --context override and names the known contexts when one is missing', () => {
    expect(
      kubeConfigFor(spec('a'), { kubeconfig: file, contexts: { a: 'c' } }).getCurrentCluster()?.name,
    ).toBe('c');
    expect(() => kubeConfigFor(spec('x'), { kubeconfig: file })).toThrow(/contexts: a, b, c/);
  });

  it('reads the file again once it changed', async () => {
    expect(kubeConfigFor(spec('a'), { kubeconfig: file }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    );
    await writeFile(
      file,
      kubeconfigText(['a', 'b', 'c'], (i) => `https://127.0.0.1:${7443 + i}0`),
    );
    expect(kubeConfigFor(spec('a'), { kubeconfig: file }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:74430',
    );
  });

  it('reports an unreadable file', () => {
    expect(() => kubeConfigFor(spec('a'), { kubeconfig: join(dir, 'missing') })).toThrow(
      /cannot load kubeconfig/,
    );
  });
});
