/**
 * Operating a running serve: the page, the API and /metrics refuse requests without credentials
 * while probes stay open; /metrics moves to its own port; `meshpeer sync` starts a run at the
 * branch head and follows it; `meshpeer status` shows live health from serve and from Redis.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { runCli } from '../peering/cli-harness.ts';
import {
  type E2eWorld,
  FAST_POLICY,
  RUNBOOK,
  startWorld,
  targetOf,
  waitFor,
  worldConfig,
} from './e2e-fixture.ts';

const TOKEN = 'ghp_e2eOperatorToken00112233445566778';
const UI_TOKEN = 'ui-token-e2e-0123456789abcdef0123456789';

describe('operating meshpeer serve', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  let config: ServeConfig;
  let head: string;
  const logs: string[] = [];
  const bearer = { authorization: `Bearer ${UI_TOKEN}` };
  /** Runs the CLI with the UI token in the environment, as an operator's shell has it. */
  const cli = async (
    args: string[],
    env: Record<string, string | undefined> = { MESHPEER_UI_TOKEN: UI_TOKEN },
  ) => {
    const saved = { MESHPEER_UI_TOKEN: process.env.MESHPEER_UI_TOKEN, NO_COLOR: process.env.NO_COLOR };
    Object.assign(process.env, { NO_COLOR: '1' });
    if (env.MESHPEER_UI_TOKEN === undefined) delete process.env.MESHPEER_UI_TOKEN;
    else process.env.MESHPEER_UI_TOKEN = env.MESHPEER_UI_TOKEN;
    try {
      return await runCli(args);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  };

  beforeAll(async () => {
    world = await startWorld({ token: TOKEN, provider: 'github', initial: RUNBOOK });
    head = world.repo.commitAndPush({ 'peerings.yaml': `${RUNBOOK}# the head sync runs\n` });
    config = {
      ...worldConfig(world, {
        redisUrl: inject('redisUrl'),
        token: TOKEN,
        secret: 'e2e-operator-secret',
        provider: 'github',
        repo: 'acme/mesh',
      }),
      uiAuth: { mode: 'token', token: UI_TOKEN, explicit: true },
      metricsPort: 0,
    };
    serve = await startServe(config, (l) => logs.push(l), { policy: FAST_POLICY, pollJitterMs: 0 });
  }, 120_000);

  afterAll(async () => {
    await serve?.close();
    await world?.stop();
  }, 60_000);

  it('refuses the page, the API and sync without credentials; probes stay open', async () => {
    const app = serve.server;
    for (const url of ['/api/status', '/api/runs', '/api/runs/run-x']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
    expect((await app.inject({ method: 'POST', url: '/api/sync' })).statusCode).toBe(401);
    const wrong = await app.inject({
      url: '/api/status',
      headers: { authorization: 'Bearer nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('invalid_token');
    const page = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login');
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect([200, 503]).toContain((await app.inject('/readyz')).statusCode);
    expect((await app.inject({ url: '/api/status', headers: bearer })).statusCode).toBe(200);
    expect((await app.inject({ url: '/', headers: bearer })).statusCode).toBe(200);
  });

  it('serves /metrics only on the metrics port, without credentials, counting refusals', async () => {
    expect((await serve.server.inject({ url: '/metrics', headers: bearer })).statusCode).toBe(404);
    expect(serve.metricsUrl).toBeDefined();
    const res = await fetch(`${serve.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/meshpeer_ui_auth_denied_total\{reason="missing"\} [1-9]/);
    expect(text).toMatch(/meshpeer_ui_auth_denied_total\{reason="invalid_token"\} [1-9]/);
    expect(text).not.toContain(UI_TOKEN);
    expect((await fetch(`${serve.metricsUrl}/api/status`)).status).toBe(404);
  });

  it('meshpeer sync --wait starts a run at the branch head and follows it to success', async () => {
    const result = await cli(['sync', '--server', serve.url, '--wait', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout) as RunRecord;
    expect(record).toMatchObject({ status: 'succeeded', trigger: { kind: 'sync', via: 'cli' } });
    expect(record.revision).toBe(head);
    expect(record.steps.filter((s) => s.kind === 'verify').map((s) => s.status)).toEqual(['done']);
    // Asked again for the same commit, it runs again (sync is not deduplicated by revision).
    const again = await cli(['sync', '--server', serve.url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^sync requested: run run-\S+ of acme\/mesh@main at [0-9a-f]{12}\n$/);
    const runId = /run (run-\S+)/.exec(again.stdout)?.[1] ?? '';
    await waitFor(async () => {
      const res = await serve.server.inject({ url: `/api/runs/${runId}`, headers: bearer });
      return res.statusCode === 200 && res.json().status === 'succeeded' ? true : undefined;
    }, 'the second sync run');
  });

  it('meshpeer sync without credentials says which variable to set, in one line, exit 1', async () => {
    const result = await cli(['sync', '--server', serve.url], { MESHPEER_UI_TOKEN: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('needs credentials: set MESHPEER_UI_TOKEN');
  });

  it('meshpeer status shows live health from serve and from Redis', async () => {
    const fromServe = await cli(['status', '--server', serve.url, '-o', 'json']);
    expect(fromServe.code, fromServe.stderr).toBe(0);
    const view = JSON.parse(fromServe.stdout);
    expect(view.targets[0]).toMatchObject({ target: targetOf(config).target, applied: head });
    expect(view.targets[0].peerings).toMatchObject([
      { acceptor: 'cluster-01', dialer: 'cluster-02', state: 'healthy' },
    ]);
    expect(view.runs[0].trigger).toMatchObject({ kind: 'sync' });
    const text = await cli(['status', '--server', serve.url]);
    expect(text.stdout).toMatch(
      /healthy\s+cluster-01 <-> cluster-02\s+verified by run-\S+ (just now|\S+ ago)/,
    );
    expect(text.stdout).not.toContain(UI_TOKEN);
    const fromRedis = await cli([
      'status',
      '--redis-url',
      inject('redisUrl'),
      '--queue-prefix',
      config.queuePrefix,
      '-o',
      'json',
    ]);
    expect(fromRedis.code, fromRedis.stderr).toBe(0);
    const stored = JSON.parse(fromRedis.stdout);
    expect(stored.targets[0].peerings[0]).toMatchObject({ state: 'healthy', source: 'run' });
    expect(stored.runs.map((r: { trigger: { kind: string } }) => r.trigger.kind)).toContain('sync');
  });

  it('meshpeer status --watch prints a line per change and ends cleanly on Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/meshpeer.js',
        'status',
        '--watch',
        '-o',
        'json',
        '--interval',
        '200ms',
        '--redis-url',
        inject('redisUrl'),
        '--queue-prefix',
        config.queuePrefix,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const first = await waitFor(
        () => (stdout.includes('\n') ? stdout.split('\n')[0] : undefined),
        'the first view',
        30_000,
      );
      expect(JSON.parse(first ?? '').targets[0].peerings[0]).toMatchObject({ state: 'healthy' });
      // A new run changes the view: the watch prints it without being asked.
      const sync = await cli(['sync', '--server', serve.url, '--wait']);
      expect(sync.code, sync.stderr).toBe(0);
      await waitFor(
        () => (stdout.trim().split('\n').length >= 2 ? true : undefined),
        'a second view',
        30_000,
      );
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
