/**
 * Traffic, not just peerings (issue 16), end to end on the sandbox: meshpeer applies the failover
 * example with ACLs on (default deny, as a real install with managed ACLs runs) through BullMQ, and
 * connections made the way cluster-01's static-client sidecar makes them show that failover to
 * cluster-02 happens only when the local static-server instances are critical, and that cluster-02's
 * sidecars refuse the peer's traffic until meshpeer writes the intention, and admit it after.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../../sandbox/src/sandbox-config.ts';
import type { TrafficResult } from '../../sandbox/src/traffic/sandbox-traffic.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';
import { startQueue } from '../integration/sandbox-fixture.ts';

const redisUrl = inject('redisUrl');
const EXAMPLE = 'desired-state-examples/failover/peerings.yaml';
const ACLS = `acls:
  enabled: true
`;
const TOKENS = '    consul:\n      aclToken: { secret: consul-bootstrap-acl-token, key: token }\n';

let dir = '';
let sandbox: Sandbox;
let withIntentions = '';
let withoutIntentions = '';
let queue: Awaited<ReturnType<typeof startQueue>>;

/** The example with managed ACLs on each cluster, and the same file before its intentions section. */
async function files(): Promise<void> {
  const example = await readFile(EXAMPLE, 'utf8');
  withIntentions = `${example.replace(/^( {2}- name: cluster-0[12]\n)/gm, `$1${TOKENS}`)}${ACLS}`;
  withoutIntentions = withIntentions.replace(/^intentions:\n(?:[ #-].*\n)+/m, '');
  expect(withoutIntentions).not.toContain('intentions:');
  expect(withoutIntentions).toContain('failover:');
}

/** One connection from cluster-01's static-client to static-server, through its discovery chain. */
const request = (): Promise<TrafficResult> =>
  sandbox.traffic.request({ from: { cluster: 'cluster-01', service: 'static-client' }, to: 'static-server' });

async function apply(content: string) {
  const file = join(dir, 'peerings.yaml');
  await writeFile(file, content);
  const record = await queue.finished(await queue.request(file, 'failover', content));
  expect(record.status, JSON.stringify(record).slice(0, 1500)).toBe('succeeded');
  return record;
}

beforeAll(async () => {
  await files();
  dir = await mkdtemp(join(tmpdir(), 'meshpeer-traffic-'));
  const file = join(dir, 'full.yaml');
  await writeFile(file, withIntentions);
  const loaded = await loadTopologyFile(file);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  // Every service either file names is in the catalogs from the start: only meshpeer's writes change.
  sandbox = await Sandbox.start({ config: sandboxConfigFromTopology(loaded.topology), dir, persist: false });
  queue = await startQueue(redisUrl, join(dir, 'kubeconfig'));
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('intentions and failover written by meshpeer carry traffic', () => {
  it('keeps traffic local while a local instance is healthy, and fails over to the peer when none is', async () => {
    await apply(withoutIntentions);
    const local = await request();
    expect(local.ok ? local.target.peer : local.target?.peer).toBe('');

    expect(sandbox.setServiceHealth('cluster-01', 'static-server', 'critical')).toBeGreaterThan(0);
    const failedOver = await request();
    expect(failedOver.ok ? failedOver.target.peer : failedOver.target?.peer).toBe('cluster-02');
  });

  it("refuses the peer's traffic at cluster-02's sidecar until meshpeer writes the intention", async () => {
    const refused = await request();
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.reason).toBe('denied');
      expect(refused.via).toEqual(['cluster-01 mesh-gateway', 'cluster-02 mesh-gateway']);
    }

    const record = await apply(withIntentions);
    expect(record.steps.filter((s) => s.kind === 'intentions').map((s) => s.status)).toEqual(['done']);
    const allowed = await request();
    expect(allowed.ok, JSON.stringify(allowed)).toBe(true);
    if (allowed.ok) {
      expect(allowed.answeredBy).toMatchObject({ cluster: 'cluster-02', service: 'static-server' });
      expect(allowed.via).toEqual(['cluster-01 mesh-gateway', 'cluster-02 mesh-gateway']);
    }
  });

  it('comes back to the local instances when they pass again, and a second apply writes nothing', async () => {
    sandbox.setServiceHealth('cluster-01', 'static-server', 'passing');
    const back = await request();
    expect(back.ok ? back.target.peer : back.target?.peer).toBe('');

    const writes = () => sandbox.clusters.reduce((n, c) => n + c.requests.writes(), 0);
    const before = writes();
    const again = await apply(withIntentions);
    expect(again.steps.filter((s) => s.kind !== 'verify' && s.status === 'done')).toEqual([]);
    expect(writes()).toBe(before);
  });
});
