/**
 * A throwaway 3-master Redis Cluster on loopback for tests: three `redis-server --cluster-enabled
 * yes` processes joined with `redis-cli --cluster create ... --cluster-replicas 0`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../sandbox/src/local-redis.ts';
import { redisCli, until } from './redis-sentinel.ts';

const run = promisify(execFile);

/** A running Cluster owned by this process. */
export interface LocalCluster {
  /** `redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`. */
  readonly url: string;
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/** Starts three masters, creates the cluster and waits until every node reports `cluster_state:ok`. */
export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
        ...['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      await until(`node ${port} listening`, async () => (await redisCli(port, 'PING')) === 'PONG');
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports)
      await until(`node ${port} in a healthy cluster`, async () =>
        (await redisCli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
      );
    return { url: `redis-cluster://${nodes.join(',')}`, ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
