/**
 * Every command ends: the real binary against a Redis that refuses or never answers, an empty
 * REDIS_URL, a Kubernetes API server that accepts TCP and never answers, and a serve that is not
 * there. Each ends by itself with exit 1 and one clear line (no stack trace). The child is killed
 * only if it outlives a generous guard, which fails the test as a hang (code null).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../leak/leak-cli.ts';

const RUNBOOK = 'desired-state-examples/runbook/peerings.yaml';
/** Far above every deadline below; reaching it means the command hung. */
const HANG_GUARD_MS = 45_000;

/** A TCP server that accepts connections and never writes a byte (a stalled API server or Redis). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const stderrLines = (run: CliRun) => run.stderr.split('\n').filter((l) => l.trim() !== '');

function expectOneLineFailure(run: CliRun, message: RegExp): void {
  expect(run.code, `did not end by itself: ${run.stderr}`).toBe(1);
  expect(stderrLines(run)).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('every command ends, with one line and exit 1', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let refused: number;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    silent = await silentServer();
    refused = await closedPort();
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-deadlines-'));
    kubeconfig = join(dir, 'kubeconfig');
    const server = `https://127.0.0.1:${silent.port}`;
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: stalled, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]`,
        'users: [{ name: u, user: { token: not-a-real-token } }]',
        'contexts:',
        '  - { name: cluster-01, context: { cluster: stalled, user: u } }',
        '  - { name: cluster-02, context: { cluster: stalled, user: u } }',
        'current-context: cluster-01',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await silent?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('apply against a Redis that refuses the connection', async () => {
    const run = await runCli(
      ['apply', '-f', RUNBOOK, '--kubeconfig', kubeconfig, '--redis-url', `redis://127.0.0.1:${refused}`],
      {},
      HANG_GUARD_MS,
    );
    expectOneLineFailure(
      run,
      new RegExp(
        `Redis at redis://127.0.0.1:${refused} refused the connection; start Redis or set REDIS_URL`,
      ),
    );
  });

  it('status against a Redis that accepts TCP and never answers', async () => {
    const run = await runCli(
      ['status', '--redis-url', `redis://127.0.0.1:${silent.port}`],
      {},
      HANG_GUARD_MS,
    );
    expectOneLineFailure(run, /Redis at redis:\/\/127\.0\.0\.1:\d+ did not answer within 5s/);
  });

  it('an empty REDIS_URL counts as unset, never as localhost', async () => {
    const run = await runCli(
      ['apply', '-f', RUNBOOK, '--kubeconfig', kubeconfig],
      { REDIS_URL: '' },
      HANG_GUARD_MS,
    );
    expectOneLineFailure(run, /apply needs Redis: set REDIS_URL or pass --redis-url, or run with --inline/);
  });

  it('plan against an API server that accepts TCP and never answers', async () => {
    const run = await runCli(
      ['plan', '-f', RUNBOOK, '--kubeconfig', kubeconfig, '--timeout', '2s'],
      {},
      HANG_GUARD_MS,
    );
    expect(run.code, `did not end by itself: ${run.stderr}`).toBe(1);
    expect(run.stdout).toMatch(
      /cluster-01: .*the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ did not answer within 2s .*check kube context "cluster-01"/,
    );
    expect(run.stdout).toContain('blocked by unreachable/cluster-01');
  });

  it('sync and status --server against a serve that is not there, or never answers', async () => {
    expectOneLineFailure(
      await runCli(['sync', '--server', `http://127.0.0.1:${refused}`], {}, HANG_GUARD_MS),
      /meshpeer serve at http:\/\/127\.0\.0\.1:\d+ refused the connection; start meshpeer serve or fix --server/,
    );
    expectOneLineFailure(
      await runCli(['status', '--server', `http://127.0.0.1:${silent.port}`], {}, HANG_GUARD_MS),
      /meshpeer serve at http:\/\/127\.0\.0\.1:\d+ did not answer within 10s/,
    );
  });
});
