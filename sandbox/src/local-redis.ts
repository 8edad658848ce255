/**
 * Starts a throwaway `redis-server` on a free loopback port, for the test harness, the demo and
 * the benchmarks when `REDIS_URL` is not set. Never used by `meshpeer serve`, which needs a real
 * Redis configured by the operator.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

/** A running Redis server owned by this process. */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not allocate a free port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
}

/** How to start a local Redis. */
export interface LocalRedisOptions {
  /** Port to listen on (a free one when absent); reuse it to restart the same server. */
  port?: number;
  /** Keep an append-only file in this directory, so a restart keeps the queues (chaos runs). */
  appendOnlyDir?: string;
  /** Require this password (`requirepass`), for tests of refused credentials. */
  password?: string;
}

/**
 * Launches redis-server with BullMQ's required eviction policy and no persistence unless
 * `appendOnlyDir` is given; the binary is looked up on PATH (Debian installs it in /usr/bin)
 * unless REDIS_SERVER_BIN names another.
 */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const port = options.port ?? (await freePort());
  const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const persistence =
    options.appendOnlyDir === undefined
      ? ['--appendonly', 'no']
      : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir];
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      ...persistence,
      '--maxmemory-policy',
      'noeviction',
      ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'ENOENT'
            ? 'redis-server not found: install it (apt-get install redis-server) or set REDIS_URL'
            : `could not start redis-server: ${err.message}`,
        ),
      ),
    ),
  );
  await Promise.race([waitForPort(port, child, 10_000), spawnError]);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
