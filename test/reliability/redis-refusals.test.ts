/**
 * Redis that refuses the password, or a host that does not resolve: the real binary's `status`
 * and `apply` end at once with exit 1 and one line naming the case (src/io/redis-error.ts), never
 * retried (src/io/redis-check.ts), and the password never shows.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis } from '../../sandbox/src/local-redis.ts';
import { type CliRun, runCli } from '../leak/leak-cli.ts';

const RUNBOOK = 'desired-state-examples/runbook/peerings.yaml';
/** Far above the 5 s check deadline; reaching it means the command hung. */
const HANG_GUARD_MS = 45_000;
const PASSWORD = 'hunter2-meshpeer-refusal';
const WRONG_PASSWORD = 'not-the-password-9f3a';

/** A password-protected Redis and how many connections it has accepted so far. */
interface ProtectedRedis {
  readonly port: number;
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/** A redis-server on a free loopback port that requires PASSWORD, without persistence. */
async function startProtectedRedis(): Promise<ProtectedRedis> {
  const redis = await startLocalRedis({ password: PASSWORD });
  const port = redis.port;
  const admin = new Redis({ port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true });
  await admin.connect();
  return {
    port,
    async connections() {
      const stats = await admin.info('stats');
      return Number(/total_connections_received:(\d+)/.exec(stats)?.[1]);
    },
    async stop() {
      admin.disconnect();
      await redis.stop();
    },
  };
}

const stderrLines = (run: CliRun) => run.stderr.split('\n').filter((l) => l.trim() !== '');

/** Exit 1, exactly one stderr line matching `message`, no stack trace and no password anywhere. */
function expectRefusal(run: CliRun, message: RegExp): void {
  expect(run.code, `did not end by itself: ${run.stderr}`).toBe(1);
  expect(stderrLines(run)).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  for (const secret of [PASSWORD, WRONG_PASSWORD]) {
    expect(run.stderr).not.toContain(secret);
    expect(run.stdout).not.toContain(secret);
  }
}

const COMMANDS: readonly (readonly string[])[] = [['status'], ['apply', '-f', RUNBOOK]];

/**
 * `status` and `apply` against `url`, side by side; with `redis`, the two together must have
 * connected exactly twice (a refused password is not retried).
 */
async function bothCommands(url: string, redis?: ProtectedRedis): Promise<CliRun[]> {
  const before = await redis?.connections();
  const runs = await Promise.all(
    COMMANDS.map((command) => runCli([...command, '--redis-url', url], {}, HANG_GUARD_MS)),
  );
  if (redis !== undefined) expect(await redis.connections(), 'a command retried').toBe((before ?? 0) + 2);
  return runs;
}

describe('Redis refuses the password or its host does not resolve', {
  timeout: HANG_GUARD_MS + 30_000,
}, () => {
  let redis: ProtectedRedis;

  beforeAll(async () => {
    redis = await startProtectedRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('a URL without the password: requires a password (NOAUTH)', async () => {
    for (const run of await bothCommands(`redis://127.0.0.1:${redis.port}`, redis))
      expectRefusal(
        run,
        new RegExp(
          `^meshpeer: Redis at redis://127\\.0\\.0\\.1:${redis.port} requires a password \\(NOAUTH\\); put it in REDIS_URL as redis://:PASSWORD@HOST:PORT\\n?$`,
        ),
      );
  });

  it('a wrong password: refused the password (WRONGPASS), and the password is never shown', async () => {
    for (const run of await bothCommands(`redis://:${WRONG_PASSWORD}@127.0.0.1:${redis.port}`, redis))
      expectRefusal(
        run,
        new RegExp(
          `^meshpeer: Redis at redis://127\\.0\\.0\\.1:${redis.port} refused the password \\(WRONGPASS\\); check the user and password in REDIS_URL\\n?$`,
        ),
      );
  });

  it('a wrong user and password: refused the password (WRONGPASS)', async () => {
    for (const run of await bothCommands(`redis://meshpeer:${WRONG_PASSWORD}@127.0.0.1:${redis.port}`, redis))
      expectRefusal(
        run,
        new RegExp(
          `^meshpeer: Redis at redis://127\\.0\\.0\\.1:${redis.port} refused the password \\(WRONGPASS\\); check the user and password in REDIS_URL\\n?$`,
        ),
      );
  });

  it('an unknown host: host not found (ENOTFOUND)', async () => {
    for (const run of await bothCommands(`redis://:${PASSWORD}@no-such-host.invalid:6379`))
      expectRefusal(
        run,
        /^meshpeer: Redis at redis:\/\/no-such-host\.invalid:6379: host not found \(ENOTFOUND\); check the host in REDIS_URL\n?$/,
      );
  });
});
