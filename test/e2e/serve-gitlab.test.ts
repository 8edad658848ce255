/**
 * `meshpeer serve` end to end with GitLab: merge request hooks plan into one note edited in
 * place, a Push Hook applies the merged commit, and statuses use GitLab's vocabulary.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import { clientConnection } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import { PLAN_MARKER } from '../../src/scm/scm-publisher.ts';
import {
  E2E_TUNING,
  type E2eWorld,
  gitlabDelivery,
  RUNBOOK,
  startWorld,
  WITH_PEERING,
  waitFor,
  worldConfig,
} from './e2e-fixture.ts';

const TOKEN = 'glpat-e2eServeToken0011223344';
const SECRET = 'e2e-webhook-secret-gitlab';
const PROJECT = 'platform/net/mesh';

const mergeRequest = (iid: number, action: string, sha: string, oldrev?: string) => ({
  object_kind: 'merge_request',
  object_attributes: {
    iid,
    action,
    source_branch: `feature-${iid}`,
    target_branch: 'main',
    last_commit: { id: sha },
    ...(oldrev !== undefined && { oldrev }),
  },
  project: { path_with_namespace: PROJECT },
});

const push = (sha: string) => ({
  object_kind: 'push',
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: sha,
  checkout_sha: sha,
  project: { path_with_namespace: PROJECT },
});

describe('meshpeer serve with GitLab, end to end', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  let store: RedisRunStore;
  let redis: ReturnType<typeof clientConnection>;
  let uuid = 0;
  const deliver = (event: string, payload: unknown, token = SECRET) =>
    gitlabDelivery(serve.url, event, payload, token, `gl-event-${++uuid}`);
  const statusOf = (sha: string, context: string) =>
    world.api.statuses({ repo: PROJECT, sha }).filter((s) => s.context === context);

  beforeAll(async () => {
    world = await startWorld({ token: TOKEN, provider: 'gitlab' });
    const config = worldConfig(world, {
      redisUrl: inject('redisUrl'),
      token: TOKEN,
      secret: SECRET,
      provider: 'gitlab',
      repo: PROJECT,
    });
    serve = await startServe(config, () => {}, E2E_TUNING);
    redis = clientConnection(inject('redisUrl'));
    store = new RedisRunStore(redis, config.queuePrefix);
  }, 60_000);

  afterAll(async () => {
    await serve?.close();
    redis?.disconnect();
    await world?.stop();
  });

  it('plans a merge request into one note, edited in place on the next push', async () => {
    const first = world.repo.commit({ 'peerings.yaml': WITH_PEERING });
    world.repo.push('HEAD:refs/merge-requests/3/head');
    expect((await deliver('Merge Request Hook', mergeRequest(3, 'open', first))).status).toBe(202);
    await waitFor(
      () => statusOf(first, 'meshpeer/plan').find((s) => s.state === 'success'),
      'the first plan',
    );
    const notes = world.api.notes(PROJECT, 3);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body.startsWith(PLAN_MARKER)).toBe(true);

    const second = world.repo.commit({ 'peerings.yaml': RUNBOOK });
    world.repo.push('HEAD:refs/merge-requests/3/head');
    expect((await deliver('Merge Request Hook', mergeRequest(3, 'update', second, first))).status).toBe(202);
    await waitFor(
      () => statusOf(second, 'meshpeer/plan').find((s) => s.state === 'success'),
      'the second plan',
    );
    const after = world.api.notes(PROJECT, 3);
    expect(after.map((n) => n.id)).toEqual([notes[0]?.id]);
    expect(after[0]?.body).toContain('static-server');
    // The publisher maps pending to GitLab's running.
    expect(statusOf(second, 'meshpeer/plan').map((s) => s.state)).toEqual(['running', 'success']);
  });

  it('ignores a merge request update without new commits', async () => {
    const res = await deliver('Merge Request Hook', mergeRequest(3, 'update', 'b'.repeat(40)));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reason: 'ignored_event' });
  });

  it('refuses a wrong token with 401', async () => {
    const res = await deliver('Push Hook', push('c'.repeat(40)), 'wrong-token-value');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ reason: 'bad_signature' });
  });

  it('applies the merged commit from a Push Hook and sets meshpeer/apply', async () => {
    const merged = world.repo.commit({}, 'merge !3');
    world.repo.push();
    expect((await deliver('Push Hook', push(merged))).status).toBe(202);
    const run = await waitFor(async () => {
      const runs = await store.list(50);
      return runs.find((r) => r.revision === merged && r.status !== 'running');
    }, 'the run of the merged commit');
    expect(run.failure).toBeUndefined();
    expect(run).toMatchObject({ status: 'succeeded', trigger: { kind: 'webhook', provider: 'gitlab' } });
    expect(run.steps.filter((s) => s.kind === 'verify').map((s) => s.status)).toEqual(['done']);
    const apply = await waitFor(() => statusOf(merged, 'meshpeer/apply')[0], 'the apply status');
    expect(apply.state).toBe('success');
  });
});
