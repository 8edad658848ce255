/**
 * One `meshpeer serve` following two targets in one GitHub repository (`staging.yaml` for
 * cluster-01/02, `production.yaml` for cluster-03/04, both on main): a pull request gets one plan
 * comment and one `meshpeer/plan: <target>` status per target, a merge runs each target on its
 * own, and status, runs, sync and metrics answer per target.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import { clientConnection } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { planMarker } from '../../src/scm/scm-publisher.ts';
import {
  E2E_TUNING,
  type E2eWorld,
  githubDelivery,
  githubPullRequest,
  githubPush,
  waitFor,
} from './e2e-fixture.ts';
import { stagingFile, startTwoTargetWorld, TARGETS_REPO } from './targets-fixture.ts';

const TOKEN = 'ghp_e2eTargetsToken00112233445566';
const SECRET = 'e2e-webhook-secret-targets';
const REPO = TARGETS_REPO;

describe('meshpeer serve with two targets in one repository', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  let store: RedisRunStore;
  let redis: ReturnType<typeof clientConnection>;
  let delivery = 0;
  const deliver = (event: string, payload: unknown) =>
    githubDelivery(serve.url, event, payload, SECRET, `targets-${++delivery}`);
  const statusOf = (sha: string, context: string) =>
    world.api.statuses({ repo: REPO, sha }).filter((s) => s.context === context);
  const finished = (target: string, sha: string) =>
    waitFor(
      async () => (await store.list(50, target)).find((r) => r.revision === sha && r.status !== 'running'),
      `the ${target} run of ${sha.slice(0, 7)}`,
      60_000,
    );
  const api = async (path: string, init?: { method: string; body: unknown }) => {
    const res = await serve.server.inject({
      url: path,
      ...(init !== undefined && { method: 'POST', payload: init.body as object }),
    });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    let config: ServeConfig;
    ({ world, config } = await startTwoTargetWorld({ token: TOKEN, secret: SECRET, stagingPeered: false }));
    serve = await startServe(config, () => {}, E2E_TUNING);
    redis = clientConnection(inject('redisUrl'));
    store = new RedisRunStore(redis, config.queuePrefix);
  }, 60_000);

  afterAll(async () => {
    await serve?.close();
    redis?.disconnect();
    await world?.stop();
  });

  it('plans a pull request once per target: its own comment and meshpeer/plan status each', async () => {
    const sha = world.repo.commit({ 'staging.yaml': stagingFile(true) });
    world.repo.push('HEAD:refs/pull/1/head');
    expect((await deliver('pull_request', githubPullRequest(REPO, 1, 'opened', sha))).status).toBe(202);
    for (const target of ['staging', 'production'])
      await waitFor(
        () => statusOf(sha, `meshpeer/plan: ${target}`).find((s) => s.state === 'success'),
        `the ${target} plan`,
      );
    expect(statusOf(sha, 'meshpeer/plan')).toEqual([]);
    const comments = world.api.comments(REPO, 1);
    const staging = comments.filter((c) => c.body.startsWith(planMarker('staging')));
    const production = comments.filter((c) => c.body.startsWith(planMarker('production')));
    expect([comments.length, staging.length, production.length]).toEqual([2, 1, 1]);
    expect(staging[0]?.body).toContain('cluster-02');
    expect(production[0]?.body).not.toContain('cluster-01');
  });

  it('runs each target of a merged push on its own, with its own meshpeer/apply status', async () => {
    world.repo.push();
    const merged = world.repo.commit({}, 'merge');
    world.repo.push();
    expect((await deliver('push', githubPush(REPO, merged))).status).toBe(202);
    const staging: RunRecord = await finished('staging', merged);
    const production: RunRecord = await finished('production', merged);
    expect([staging.status, production.status]).toEqual(['succeeded', 'succeeded']);
    expect(staging.steps.filter((s) => s.kind === 'verify').map((s) => s.status)).toEqual(['done']);
    expect(production.steps.some((s) => s.kind === 'verify')).toBe(false);
    for (const target of ['staging', 'production'])
      await waitFor(
        () => statusOf(merged, `meshpeer/apply: ${target}`).find((s) => s.state === 'success'),
        `the ${target} apply status`,
      );
    expect((await store.list(50, 'production')).every((r) => r.target === 'production')).toBe(true);
  });

  it('answers status and runs per target, and names the targets for an unknown one', async () => {
    const staging = await api('/api/status?target=staging');
    expect(staging.body).toMatchObject({
      target: 'staging',
      peerings: [{ acceptor: 'cluster-01', state: 'healthy' }],
    });
    expect(staging.body.tracked.map((t: { target: string }) => t.target)).toEqual(['staging', 'production']);
    const production = await api('/api/status?target=production');
    expect(production.body).toMatchObject({ target: 'production', peerings: [] });
    expect(production.body.runs.every((r: RunRecord) => r.target === 'production')).toBe(true);
    expect((await api('/api/status')).body.target).toBe('staging');
    const runs = await api('/api/runs?target=production');
    expect(runs.body.length).toBeGreaterThan(0);
    expect(runs.body.every((r: RunRecord) => r.target === 'production')).toBe(true);
    expect(await api('/api/status?target=qa')).toEqual({
      status: 404,
      body: {
        error: 'no target "qa"; the targets are: staging, production',
        targets: ['staging', 'production'],
      },
    });
  });

  it('needs a target for a sync, and syncs only the one named', async () => {
    const unnamed = await api('/api/sync', { method: 'POST', body: { via: 'api' } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toContain('staging, production');
    expect((await api('/api/sync', { method: 'POST', body: { target: 'qa' } })).status).toBe(404);
    const synced = await api('/api/sync', { method: 'POST', body: { via: 'api', target: 'production' } });
    expect(synced).toMatchObject({ status: 202, body: { target: 'production' } });
    const run = await waitFor(async () => {
      const record = await store.get(synced.body.runId);
      return record?.status === 'running' ? undefined : record;
    }, 'the synced run');
    expect(run).toMatchObject({ target: 'production', status: 'succeeded', trigger: { kind: 'sync' } });
    const syncRuns = await api('/api/runs?target=production&trigger=sync');
    expect(syncRuns.body.map((r: RunRecord) => [r.id, r.target, r.trigger.kind])).toEqual([
      [run.id, 'production', 'sync'],
    ]);
  });

  it('labels metrics with the target', async () => {
    const text = (await serve.server.inject('/metrics')).body;
    expect(text).toMatch(/meshpeer_runs_total\{target="staging",status="succeeded"\} [1-9]/);
    expect(text).toMatch(/meshpeer_runs_total\{target="production",status="succeeded"\} [1-9]/);
    expect(text).toMatch(
      /meshpeer_peering_healthy\{target="staging",peering="cluster-01\/default>cluster-02\/default"/,
    );
    expect(text).toMatch(/meshpeer_plans_total\{target="production",result="planned"\} 1/);
  });
});
