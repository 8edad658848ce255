/**
 * `meshpeer serve` end to end with GitHub: a real Git repository behind `git http-backend`, the
 * recording GitHub API stand-in, the harness Redis and a two-cluster sandbox. Webhooks go over
 * real HTTP on loopback. The tests run in order and share the world, like one pull request's life.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import { clientConnection } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { PLAN_MARKER } from '../../src/scm/scm-publisher.ts';
import {
  E2E_TUNING,
  type E2eWorld,
  githubDelivery,
  githubPullRequest,
  githubPush,
  INVALID,
  RUNBOOK,
  startWorld,
  targetOf,
  WITH_PEERING,
  waitFor,
  worldConfig,
} from './e2e-fixture.ts';

const TOKEN = 'ghp_e2eServeToken00112233445566778899';
const SECRET = 'e2e-webhook-secret-github';
const REPO = 'acme/mesh';

describe('meshpeer serve with GitHub, end to end', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  let store: RedisRunStore;
  let redis: ReturnType<typeof clientConnection>;
  const logs: string[] = [];
  let deliveries = 0;
  const deliver = (event: string, payload: unknown, secret = SECRET) =>
    githubDelivery(serve.url, event, payload, secret, `gh-delivery-${++deliveries}`);
  const finished = (sha: string) =>
    waitFor(
      async () => {
        const runs = await store.list(100);
        return runs.find((r) => r.revision === sha && r.status !== 'running');
      },
      `a finished run of ${sha.slice(0, 7)}`,
    );
  const statusOf = (sha: string, context: string) =>
    world.api.statuses({ repo: REPO, sha }).filter((s) => s.context === context);

  beforeAll(async () => {
    world = await startWorld({ token: TOKEN, provider: 'github' });
    const config = worldConfig(world, {
      redisUrl: inject('redisUrl'),
      token: TOKEN,
      secret: SECRET,
      provider: 'github',
      repo: REPO,
    });
    serve = await startServe(config, (l) => logs.push(l), E2E_TUNING);
    redis = clientConnection(inject('redisUrl'));
    store = new RedisRunStore(redis, config.queuePrefix);
  }, 60_000);

  afterAll(async () => {
    await serve?.close();
    redis?.disconnect();
    await world?.stop();
  });

  it('applies the head of main found by a poll', async () => {
    const head = world.repo.commit({}, 'noop');
    world.repo.push();
    await serve.poller?.pollNow(targetOf(serve).target);
    const run = await finished(head);
    expect(run).toMatchObject({ status: 'succeeded', trigger: { kind: 'poll' } });
  });

  it('comments the plan of a pull request once and sets meshpeer/plan', async () => {
    const sha = world.repo.commit({ 'peerings.yaml': WITH_PEERING });
    world.repo.push('HEAD:refs/pull/1/head');
    const res = await deliver('pull_request', githubPullRequest(REPO, 1, 'opened', sha));
    expect(res.status).toBe(202);
    const done = await waitFor(
      () => statusOf(sha, 'meshpeer/plan').find((s) => s.state !== 'pending'),
      'the plan status',
    );
    expect(done).toMatchObject({ state: 'success', description: expect.stringMatching(/^Plan: \d+ to add/) });
    expect(statusOf(sha, 'meshpeer/plan').map((s) => s.state)).toEqual(['pending', 'success']);
    const comments = world.api.comments(REPO, 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.startsWith(PLAN_MARKER)).toBe(true);
    expect(comments[0]?.body).toContain('acceptor');
    expect(comments[0]?.body).not.toContain(TOKEN);
  });

  it('edits that same comment when the pull request gets a new commit', async () => {
    const firstId = world.api.comments(REPO, 1)[0]?.id;
    const sha = world.repo.commit({ 'peerings.yaml': RUNBOOK });
    world.repo.push('HEAD:refs/pull/1/head');
    expect((await deliver('pull_request', githubPullRequest(REPO, 1, 'synchronize', sha))).status).toBe(202);
    await waitFor(() => statusOf(sha, 'meshpeer/plan').find((s) => s.state === 'success'), 'the second plan');
    const comments = world.api.comments(REPO, 1);
    expect(comments.map((c) => c.id)).toEqual([firstId]);
    expect(comments[0]?.body).toContain('static-server');
    const commentWrites = world.api.writes().filter((w) => w.path.includes('/comments'));
    expect(commentWrites.map((w) => w.method)).toEqual(['POST', 'PATCH']);
  });

  it('refuses a push with a bad signature with 401 and starts nothing', async () => {
    const runsBefore = (await store.list(100)).length;
    const res = await deliver('push', githubPush(REPO, 'f'.repeat(40)), 'not-the-secret');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ reason: 'bad_signature' });
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toContain('meshpeer_webhooks_total{provider="github",reason="bad_signature"} 1');
    expect((await store.list(100)).length).toBe(runsBefore);
    expect((await serve.server.inject('/api/status')).json().tracked[0].revisions.seen).not.toBe(
      'f'.repeat(40),
    );
  });

  it('applies a merged push: peerings ACTIVE and verified, meshpeer/apply success on the commit', async () => {
    world.repo.push(); // the pull request's head becomes main
    const merged = world.repo.commit({}, 'merge');
    world.repo.push();
    expect((await deliver('push', githubPush(REPO, merged))).status).toBe(202);
    const run: RunRecord = await finished(merged);
    expect(run.failure).toBeUndefined();
    expect(run).toMatchObject({ status: 'succeeded', trigger: { kind: 'webhook', provider: 'github' } });
    const verify = run.steps.filter((s) => s.kind === 'verify');
    expect(verify.map((s) => s.status)).toEqual(['done']);
    expect(verify[0]?.detail).toMatch(/ACTIVE/);
    const apply = await waitFor(() => statusOf(merged, 'meshpeer/apply')[0], 'the apply status');
    expect(apply).toMatchObject({ state: 'success', targetUrl: 'http://meshpeer.example/status' });
    const status = (await serve.server.inject('/api/status')).json();
    expect(status.tracked[0].revisions).toMatchObject({ seen: merged, applied: merged });
    expect(status.peerings).toMatchObject([
      { acceptor: 'cluster-01', dialer: 'cluster-02', state: 'healthy', source: 'run' },
    ]);
    // The page draws that state in the browser (test/browser); here it is served with its script.
    const page = (await serve.server.inject('/')).body;
    expect(page).toContain('<script type="module" src="page/app.js"></script>');
  });

  it('fails the plan of an invalid file with file:line:col and writes nothing to any cluster', async () => {
    const writesBefore = world.writes();
    const sha = world.repo.commit({ 'peerings.yaml': INVALID });
    world.repo.push('HEAD:refs/pull/2/head');
    world.repo.commit({ 'peerings.yaml': RUNBOOK }, 'back to the runbook locally');
    expect((await deliver('pull_request', githubPullRequest(REPO, 2, 'opened', sha))).status).toBe(202);
    const failed = await waitFor(
      () => statusOf(sha, 'meshpeer/plan').find((s) => s.state === 'failure'),
      'the failure',
    );
    expect(failed.description).toMatch(/peerings\.yaml:\d+:\d+: .*cluster-07/);
    expect(world.api.comments(REPO, 2)[0]?.body).toMatch(/```text\npeerings\.yaml:\d+:\d+: /);
    expect(world.writes()).toBe(writesBefore);
  });

  it('coalesces 50 signed pushes within 2 seconds into at most 2 runs and applies the last commit', async () => {
    const runsBefore = new Set((await store.list(200)).map((r) => r.id));
    const shas = Array.from({ length: 50 }, (_, i) =>
      world.repo.commit({ 'peerings.yaml': `${RUNBOOK}# push ${i}\n` }),
    );
    world.repo.push();
    // The first run must outlast the burst, as it does when pushes come within 2 seconds: on a
    // loaded machine a run of the converged runbook may finish between two deliveries, and a third
    // run would be right, not a failure of coalescing. Every Kubernetes request is slowed until
    // the burst is in.
    for (const cluster of world.sandbox.clusters) cluster.faults.configure({ latency: { fixedMs: 300 } });
    // Sent one after another so the last delivery names the newest commit.
    try {
      for (const sha of shas) expect((await deliver('push', githubPush(REPO, sha))).status).toBe(202);
    } finally {
      for (const cluster of world.sandbox.clusters) cluster.faults.configure({});
    }
    const last = shas.at(-1) as string;
    const run = await finished(last);
    expect(run.status).toBe('succeeded');
    const burstRuns = (await store.list(200)).filter((r) => !runsBefore.has(r.id));
    expect(burstRuns.length).toBeLessThanOrEqual(2);
    expect(burstRuns.every((r) => shas.includes(r.revision))).toBe(true);
    await waitFor(
      () => statusOf(last, 'meshpeer/apply').find((s) => s.state === 'success'),
      'the apply status of the last push',
    );
  });

  it('polls without downloading a pack when main has not moved, and runs a commit pushed without a webhook', async () => {
    const packs = world.git.packFetches();
    expect(await serve.poller?.pollNow(targetOf(serve).target)).toMatchObject({ result: 'unchanged' });
    expect(world.git.packFetches()).toBe(packs);
    const quiet = world.repo.commit({ 'peerings.yaml': `${RUNBOOK}# pushed while the webhook was down\n` });
    world.repo.push();
    expect(await serve.poller?.pollNow(targetOf(serve).target)).toMatchObject({
      result: 'new-commit',
      head: quiet,
    });
    expect(await finished(quiet)).toMatchObject({ status: 'succeeded', trigger: { kind: 'poll' } });
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
