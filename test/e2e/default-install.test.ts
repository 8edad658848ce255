/**
 * Every example on sandboxes shaped like a default chart install (`helm install consul
 * hashicorp/consul` with peering, TLS and managed ACLs, three servers): names consul-consul-*, the
 * API over the server Service's https port, the gateways' ACLs through their role, and Consul's real
 * stream intervals (first heartbeat after 15 s), so nothing here works only because the sandbox is kind.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startQueue } from '../integration/sandbox-fixture.ts';
import {
  defaultInstallValues,
  type InstallSandbox,
  startInstallSandbox,
  withInstallAcls,
} from './install-fixture.ts';

const redisUrl = inject('redisUrl');
/**
 * admin-partitions is not a default install: it needs Enterprise and a partition install per
 * partition, and the sandbox does not simulate managed ACLs in partition installs (server-acl-init
 * with -partition and the partition's own auth methods), which this install's values turn on. It
 * runs without ACLs in test/integration/apply-examples.test.ts and partition-installs.test.ts.
 */
const examples = readdirSync('desired-state-examples', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid' && d.name !== 'admin-partitions')
  .map((d) => d.name)
  .sort();

describe('meshpeer on a default chart install, every example', () => {
  let values: Record<string, unknown>;
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  beforeAll(async () => {
    values = await defaultInstallValues();
  });
  afterAll(async () => {
    for (const o of open.reverse()) await ('stop' in o ? o.stop() : o.close());
  });

  it.each(examples)(
    '%s converges and verifies at real intervals; a second apply writes nothing',
    async (example) => {
      const fx: InstallSandbox = await startInstallSandbox(
        example,
        { helmValues: values, release: 'consul' },
        { edit: (text) => withInstallAcls(text, 'consul-consul') },
      );
      open.push(fx);
      for (const c of fx.sandbox.clusters) {
        const { consul, install } = fx.sandbox.stack(c.name);
        expect(install.fullname).toBe('consul-consul');
        expect(consul.servers).toHaveLength(3);
        expect(consul.httpUrl).toBeUndefined();
        expect(consul.intervals).toEqual({ heartbeatIntervalMs: 15_000, idleTimeoutMs: 120_000 });
      }
      const q = await startQueue(redisUrl, fx.kubeconfig);
      open.push(q);

      const first = await q.finished(await q.request(fx.file, example));
      expect(first.status, JSON.stringify(first).slice(0, 2000)).toBe('succeeded');
      const verified = first.steps.filter((s) => s.kind === 'verify');
      expect(verified).toHaveLength(fx.topology.peerings.length);
      for (const v of verified) expect(v.data?.handshakeMs).toEqual(expect.any(Number));

      expect((await fx.plan()).converged).toBe(true);
      const writesBefore = fx.writes();
      const second = await q.finished(await q.request(fx.file, example));
      expect(second.status).toBe('succeeded');
      expect(second.steps.filter((s) => s.kind !== 'verify')).toEqual([]);
      expect(fx.writes()).toBe(writesBefore);
    },
    90_000,
  );
});
