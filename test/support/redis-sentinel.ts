/**
 * A throwaway Sentinel group on loopback for tests: one master, one replica and one
 * `redis-server --sentinel` with quorum 1 and a short down-after-milliseconds, so a failover takes
 * a second or two. Sentinel rewrites its config file, so each gets its own temporary directory.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../sandbox/src/local-redis.ts';

const run = promisify(execFile);

/** The master name the group monitors. */
export const SENTINEL_MASTER = 'mymaster';

/** A running Sentinel group owned by this process. */
export interface LocalSentinel {
  /** `redis-sentinel://127.0.0.1:P/mymaster`, the URL meshpeer is given. */
  readonly url: string;
  readonly sentinelPort: number;
  /** The port of the server Sentinel currently names as master. */
  masterPort(): Promise<number>;
  /** Asks Sentinel to fail over now and resolves once the other server is master. */
  failover(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs redis-cli against a port and returns its trimmed output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

/** Waits until `probe` resolves true, polling every 100 ms, or throws naming `what`. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

function serve(args: readonly string[]): ChildProcess {
  return spawn('redis-server', [...args], { stdio: 'ignore' });
}

const serverArgs = (port: number, dir: string) => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--dir',
  dir,
  '--save',
  '',
  '--appendonly',
  'no',
  '--maxmemory-policy',
  'noeviction',
];

/** Starts master, replica and sentinel, and waits until the sentinel knows the replica. */
export async function startLocalSentinel(): Promise<LocalSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-sentinel-'));
  const [master, replica, sentinel] = [await freePort(), await freePort(), await freePort()];
  const children = [serve(serverArgs(master, dir))];
  await until('the master listening', async () => (await redisCli(master, 'PING')) === 'PONG');
  children.push(serve([...serverArgs(replica, dir), '--replicaof', '127.0.0.1', String(master)]));
  await until('the replica in sync', async () =>
    (await redisCli(replica, 'INFO', 'replication')).includes('master_link_status:up'),
  );
  const conf = join(dir, 'sentinel.conf');
  await writeFile(
    conf,
    [
      `port ${sentinel}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${master} 1`,
      `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
      `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
      '',
    ].join('\n'),
  );
  children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  const masterPort = async () =>
    Number((await redisCli(sentinel, 'SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER)).split('\n')[1]);
  await until('the sentinel seeing the replica', async () =>
    (await redisCli(sentinel, 'SENTINEL', 'replicas', SENTINEL_MASTER)).includes(String(replica)),
  );
  return {
    url: `redis-sentinel://127.0.0.1:${sentinel}/${SENTINEL_MASTER}`,
    sentinelPort: sentinel,
    masterPort,
    async failover() {
      const before = await masterPort();
      await redisCli(sentinel, 'SENTINEL', 'FAILOVER', SENTINEL_MASTER);
      await until('the failover', async () => {
        const now = await masterPort();
        return now !== before && (await redisCli(now, 'ROLE')).startsWith('master');
      });
      return masterPort();
    },
    async stop() {
      for (const child of children.reverse()) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
