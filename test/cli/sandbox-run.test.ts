import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../sandbox/test/sandbox-test-helpers.ts';
import { runSandboxUp, sandboxConfigFor } from '../../src/cli/sandbox-run.ts';

describe('meshpeer sandbox up with Consul', () => {
  it('chooses the clusters from --from, --config or --clusters (with Consul unless --no-consul), one at a time', async () => {
    expect(
      (await sandboxConfigFor({ from: 'desired-state-examples/admin-partitions/peerings.yaml' }))
        ?.clusters[0],
    ).toMatchObject({
      enterprise: true,
    });
    expect((await sandboxConfigFor({ clusters: 3 }))?.clusters).toHaveLength(3);
    expect(await sandboxConfigFor({ clusters: 3, consul: false })).toBeUndefined();
    await expect(sandboxConfigFor({ clusters: 2, from: 'x.yaml' })).rejects.toThrow(/only one of/);
  });

  it('writes the Consul and gateway addresses into sandbox.json and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpeer-up-'));
    let release = (): void => {};
    const stop = new Promise<void>((r) => {
      release = r;
    });
    const running = runSandboxUp(
      { from: 'desired-state-examples/runbook/peerings.yaml', dir, persist: false },
      stop,
    );
    try {
      const manifest = await waitFor(
        async () => {
          const text = await readFile(join(dir, 'sandbox.json'), 'utf8').catch(() => '');
          return text.includes('mesh-gateway')
            ? (JSON.parse(text) as { clusters: Array<Record<string, unknown>> })
            : undefined;
        },
        'sandbox.json with components',
        20_000,
      );
      expect(manifest.clusters[0]).toMatchObject({
        name: 'cluster-01',
        components: {
          consul: {
            datacenter: 'cluster-01',
            // TLS with the chart's httpsOnly default: the API is HTTPS only.
            http: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
            peering: expect.stringMatching(/^127\.0\.0\.\d+:\d+$/),
            fullname: 'consul',
            serverName: expect.stringMatching(/^server\.cluster-01\.peering\./),
          },
          'mesh-gateway': { address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
        },
        services: expect.arrayContaining([
          expect.objectContaining({
            namespace: 'consul',
            name: 'consul-server',
            proxyPath: '/api/v1/namespaces/consul/services/https:consul-server:https/proxy/',
          }),
          expect.objectContaining({ namespace: 'kube-system', name: 'meshpeer-sandbox' }),
        ]),
      });
    } finally {
      release();
      expect(await running).toBe(0);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
