/**
 * `meshpeer worker --health-port`: a real worker process answers /healthz and /readyz (Redis) for
 * Kubernetes probes, nothing else, and stops cleanly on SIGTERM; a bad port is one line, exit 1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/meshpeer.js');
const env = {
  ...process.env,
  REDIS_URL: inject('redisUrl'),
  MESHPEER_QUEUE_PREFIX: `health-${process.pid}`,
  NO_COLOR: '1',
  MESHPEER_HOST: '127.0.0.1',
};

/** Starts the worker and resolves with the probe URL it logs; `log()` is its stderr so far. */
async function startWorker(): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(process.execPath, [BIN, 'worker', '--health-port', '0'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let seen = '';
  child.stderr?.on('data', (b: Buffer) => {
    seen += b.toString();
  });
  const url = await new Promise<string>((done, fail) => {
    child.stderr?.on('data', () => {
      const match = /probes on (http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(seen);
      if (match?.[1] !== undefined) done(match[1]);
    });
    child.once('exit', (code) => fail(new Error(`worker exited ${code}: ${seen}`)));
  });
  return { child, url, log: () => seen };
}

describe('meshpeer worker --health-port', () => {
  let worker: { child: ChildProcess; url: string } | undefined;
  afterAll(() => {
    if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
  });

  it('serves the probes while it works, nothing else, and exits 0 on SIGTERM', async () => {
    worker = await startWorker();
    const health = await fetch(`${worker.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${worker.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { ready: true, checks: { redis: { ok: true } } },
    ]);
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(404);
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  }, 60_000);

  // The probe port answers before the workers are up, so Kubernetes can stop the pod mid start-up;
  // with no listener yet, Node would die of the signal (exit code null) instead of stopping.
  it('stops gracefully on a SIGTERM that arrives while it is still starting', async () => {
    const starting = await startWorker();
    const exited = once(starting.child, 'exit');
    starting.child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(starting.log()).toContain('SIGTERM: finishing active jobs');
  }, 60_000);

  it('refuses a port that is not one, in one line, before touching Redis', () => {
    const run = spawnSync(process.execPath, [BIN, 'worker', '--health-port', 'http'], {
      env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'meshpeer: --health-port (MESHPEER_HEALTH_PORT) must be a port number, got "http"',
    );
  });

  it('ends with one line and exit 1 when the probe port is taken, taking no job', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const run = spawnSync(process.execPath, [BIN, 'worker', '--health-port', String(port)], {
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `meshpeer: port ${port} on 127.0.0.1 is in use; stop what listens there or choose another --health-port (MESHPEER_HEALTH_PORT)`,
      );
      expect(run.stderr).not.toContain('processing jobs');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('ends with one line and exit 1, probe port closed again, when Redis does not answer', () => {
    const run = spawnSync(process.execPath, [BIN, 'worker', '--health-port', '0'], {
      env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/meshpeer: Redis at redis:\/\/127\.0\.0\.1:1 refused the connection/);
  }, 60_000);
});
