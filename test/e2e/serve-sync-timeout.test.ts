/**
 * `meshpeer sync --wait` against a serve whose run cannot end in time: the acceptor's write is held
 * open (a 'hang' fault) so the run stays in flight however fast the machine is, and sync gives up
 * at its --timeout with exit 1 and the line that says how to follow the run. An invalid --timeout
 * is refused before any run is requested.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { runCli } from '../peering/cli-harness.ts';
import { type E2eWorld, FAST_POLICY, RUNBOOK, startWorld, waitFor, worldConfig } from './e2e-fixture.ts';

const TOKEN = 'ghp_e2eSyncTimeoutToken0011223344556677';
const UI_TOKEN = 'ui-token-e2e-sync-timeout-0123456789abcdef';

describe('meshpeer sync --wait on a run that does not end in time', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  const logs: string[] = [];
  const bearer = { authorization: `Bearer ${UI_TOKEN}` };
  const runs = async (): Promise<RunRecord[]> =>
    (await serve.server.inject({ url: '/api/runs', headers: bearer })).json() as RunRecord[];
  /** One run's record; undefined while no worker has taken it up. */
  const run = async (id: string): Promise<RunRecord | undefined> => {
    const res = await serve.server.inject({ url: `/api/runs/${id}`, headers: bearer });
    return res.statusCode === 200 ? (res.json() as RunRecord) : undefined;
  };
  /** Runs the CLI in this process with the UI token in the environment, as an operator's shell has it. */
  const cli = async (args: string[]) => {
    const saved = { MESHPEER_UI_TOKEN: process.env.MESHPEER_UI_TOKEN, NO_COLOR: process.env.NO_COLOR };
    Object.assign(process.env, { NO_COLOR: '1', MESHPEER_UI_TOKEN: UI_TOKEN });
    try {
      return await runCli(args);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  };

  beforeAll(async () => {
    // main holds the clusters only: serve's start-up run writes no PeeringAcceptor.
    world = await startWorld({ token: TOKEN, provider: 'github' });
    const config = {
      ...worldConfig(world, {
        redisUrl: inject('redisUrl'),
        token: TOKEN,
        secret: 'e2e-sync-timeout-secret',
        provider: 'github',
        repo: 'acme/mesh',
      }),
      uiAuth: { mode: 'token' as const, token: UI_TOKEN, explicit: true },
    };
    serve = await startServe(config, (l) => logs.push(l), { policy: FAST_POLICY, pollJitterMs: 0 });
    await waitFor(
      async () => ((await runs()).some((r) => r.status === 'succeeded') ? true : undefined),
      'the start-up run',
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    world?.sandbox.cluster('cluster-01').faults.configure({});
    await serve?.close();
    await world?.stop();
  }, 60_000);

  it('refuses an invalid --timeout in one line before requesting a run', async () => {
    const before = (await runs()).length;
    const result = await cli(['sync', '--server', serve.url, '--wait', '--timeout', 'soon']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'meshpeer: --timeout takes a duration like 30s or 10m, got "soon"',
    ]);
    expect((await runs()).length).toBe(before);
  });

  it('gives up at --timeout 1s with exit 1 and how to follow the run', { timeout: 90_000 }, async () => {
    world.repo.commitAndPush({ 'peerings.yaml': RUNBOOK });
    const cluster = world.sandbox.cluster('cluster-01');
    cluster.faults.configure({
      rules: [{ verbs: ['patch'], resources: ['peeringacceptors'], rate: 1, fault: 'hang' }],
    });
    const result = await cli(['sync', '--server', serve.url, '--wait', '--timeout', '1s']);
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.trim().split('\n');
    const runId = /^sync requested: run (run-\S+) of acme\/mesh@main at [0-9a-f]{12}$/.exec(
      lines[0] ?? '',
    )?.[1];
    expect(runId, result.stderr).toBeDefined();
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^meshpeer: run ${runId} did not finish within 1s \\(.+\\); follow it with meshpeer status --server ${serve.url} --watch$`,
      ),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    // The run itself goes on, held at the acceptor's write; released, it ends.
    await waitFor(
      () => (cluster.kube.heldRequests > 0 ? true : undefined),
      'the acceptor write held',
      60_000,
    );
    expect((await run(runId ?? ''))?.status).toBe('running');
    cluster.faults.configure({});
    const ended = await waitFor(
      async () => {
        const record = await run(runId ?? '');
        return record?.status === 'running' ? undefined : record;
      },
      `run ${runId} to end once released`,
      60_000,
    );
    expect(ended.status).toBe('succeeded');
  });
});
