/**
 * The demo's main act, on a sandbox matching the runbook example: plan, apply through Redis and
 * BullMQ workers with live progress, show the verified peering, then edit the file and plan again.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeClusterAccess } from '../app/cluster-access.ts';
import { renderText } from '../plan/index.ts';
import { planTopology } from '../run/plan-topology.ts';
import { parseTopology } from '../topology/index.ts';
import { applyThroughQueue } from './apply-queued.ts';
import { type LocalRedis, loadSandbox } from './load-sandbox.ts';
import { out, type Paint } from './output.ts';
import { runSummary } from './run-progress.ts';

/** The edit the demo makes to show a plan of a change: mesh gateways in remote mode. */
export function demoEdit(content: string): string {
  return content.replace(/^(\s+dialer: cluster-02)$/m, '$1\n    meshGatewayMode: remote');
}

async function startRedis(c: Paint): Promise<{ url: string; redis?: LocalRedis }> {
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== '') {
    out(`${c.gray('redis')}      using REDIS_URL`);
    return { url };
  }
  const redis = await (await loadSandbox()).startLocalRedis();
  out(`${c.gray('redis')}      started redis-server on ${redis.url}`);
  return { url: redis.url, redis };
}

/** Runs the sandbox act; returns the exit code. */
export async function runSandboxDemo(root: string, c: Paint): Promise<number> {
  const file = join(root, 'runbook', 'peerings.yaml');
  const content = await readFile(file, 'utf8');
  const parsed = parseTopology(content, file);
  if (!parsed.ok) return 1;
  const topology = parsed.topology;
  out(`\n${c.bold('== the runbook, reconciled by meshpeer on a sandbox')} ${c.gray(file)}`);
  const { url, redis } = await startRedis(c);
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-demo-'));
  const { Sandbox, sandboxConfigFromTopology } = await loadSandbox();
  const sandbox = await Sandbox.start({ config: sandboxConfigFromTopology(topology), dir, persist: false });
  const kubeconfig = join(dir, 'kubeconfig');
  const access = { overrides: { kubeconfig }, timeoutMs: 10_000 };
  try {
    for (const cl of sandbox.clusters) {
      const { consul, gateway } = sandbox.stack(cl.name);
      out(
        `${c.gray(cl.name.padEnd(10))} kube ${cl.kube.url}, consul ${consul.apiUrl} (dc ${consul.datacenter}), mesh gateway ${gateway?.address ?? 'none'}`,
      );
    }
    const before = await planTopology(
      topology,
      kubeClusterAccess({ overrides: access.overrides }).clients(topology.clusters),
    );
    out(`\n${c.bold('$ meshpeer plan')}\n${renderText(before.plan, c)}`);
    out(c.bold('$ meshpeer apply'));
    const record = await applyThroughQueue({
      topology,
      fileName: file,
      content,
      access,
      json: false,
      wait: true,
      localWorker: true,
      target: 'demo',
      redisUrl: url,
    });
    if (record === undefined) return 1;
    out(runSummary(record, c));
    for (const v of record.steps.filter((s) => s.kind === 'verify')) {
      out(
        `${c.green('verified')}  handshake through the acceptor's mesh gateway in ${String(v.data?.handshakeMs ?? '?')} ms (nothing written to Consul); imports ${JSON.stringify(v.data?.imports ?? {})}`,
      );
    }
    const edited = demoEdit(content);
    const next = parseTopology(edited, file);
    if (!next.ok) return 1;
    out(
      `\n${c.bold('$ edit peerings.yaml')}: the peering's mesh gateways go to remote mode\n${c.bold('$ meshpeer plan')}`,
    );
    const after = await planTopology(
      next.topology,
      kubeClusterAccess({ overrides: access.overrides }).clients(next.topology.clusters),
    );
    out(renderText(after.plan, c));
    return record.status === 'succeeded' ? 0 : 1;
  } finally {
    await sandbox.stop();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
