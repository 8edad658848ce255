/**
 * `meshpeer serve` on a port that is taken ends at once with one line and exit 1, having closed
 * what it opened (queues, Redis): it must not keep polling or working with no port to answer on.
 */
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/meshpeer.js');

describe('meshpeer serve on a taken port', () => {
  it('says which port and which flag in one line, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const run = spawnSync(
        process.execPath,
        [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--poll-interval', '0s'],
        {
          env: {
            ...process.env,
            REDIS_URL: inject('redisUrl'),
            MESHPEER_REPO_URL: 'http://127.0.0.1:9/acme/mesh.git',
            MESHPEER_QUEUE_PREFIX: `serve-port-${process.pid}`,
            MESHPEER_RECONCILE_INTERVAL: '0s',
            NO_COLOR: '1',
          },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain(
        `meshpeer: port ${port} on 127.0.0.1 is in use; stop what listens there or choose another --port (MESHPEER_PORT)`,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  }, 60_000);
});
