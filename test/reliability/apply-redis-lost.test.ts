/**
 * Redis going away while `apply` waits for its run: the real binary queues the run on a private
 * redis-server and runs it with workers in its own process against the runbook sandbox; the
 * acceptor's write is held open (a 'hang' fault) so the run is surely in flight, then Redis is
 * killed. apply gives up after its bounded reconnects with one line and exit 1. The child is killed
 * only if it outlives a generous guard, which fails the test as a hang (code null).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../sandbox/src/local-redis.ts';
import { waitFor } from '../e2e/e2e-fixture.ts';
import { type ExampleSandbox, shortIntervals, startExampleSandbox } from '../integration/sandbox-fixture.ts';
import type { CliRun } from '../leak/leak-cli.ts';

/** Far above apply's bounded reconnects (about 4 s) and the kube deadline; reaching it is a hang. */
const HANG_GUARD_MS = 90_000;

/**
 * Starts `meshpeer apply` as a child process (the sandbox it talks to lives in this process, so
 * it must not block); `ended` resolves with what it printed.
 */
function startApply(args: readonly string[]): { ended: Promise<CliRun>; stderr(): string } {
  const child = spawn(process.execPath, ['bin/meshpeer.js', 'apply', ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
  const ended = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({
        args,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
  return { ended, stderr: () => Buffer.concat(err).toString('utf8') };
}

describe('apply losing Redis while it waits for its run', () => {
  let fx: ExampleSandbox;
  let redis: LocalRedis;

  beforeAll(async () => {
    fx = await startExampleSandbox('runbook', shortIntervals);
    redis = await startLocalRedis();
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
    await fx?.stop();
  }, 60_000);

  it('ends with one line and exit 1 once its reconnects give up', {
    timeout: HANG_GUARD_MS + 30_000,
  }, async () => {
    const cluster = fx.sandbox.cluster('cluster-01');
    cluster.faults.configure({
      rules: [{ verbs: ['patch'], resources: ['peeringacceptors'], rate: 1, fault: 'hang' }],
    });
    const apply = startApply(['-f', fx.file, '--kubeconfig', fx.kubeconfig, '--redis-url', redis.url]);
    try {
      await waitFor(
        () => (cluster.kube.heldRequests > 0 ? true : undefined),
        `the acceptor write held open (apply printed: ${apply.stderr()})`,
        60_000,
      );
      expect(apply.stderr()).toMatch(
        /requested run \S+ for target runbook \(workers running in this process\)/,
      );
      await redis.stop();
      const run = await apply.ended;
      expect(run.code, `did not end by itself: ${run.stderr}`).toBe(1);
      const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toEqual([
        expect.stringMatching(/^requested run \S+ for target runbook/),
        `meshpeer: lost the connection to Redis at ${redis.url} while applying; check Redis, then run meshpeer status`,
      ]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      cluster.faults.configure({});
    }
  });
});
