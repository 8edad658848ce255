/**
 * `meshpeer serve` on a real 3-master Redis Cluster: the poller, the webhook delivery log, the
 * revision and health stores, the plan queue, the periodic check and the run-completion follower
 * all work on Cluster clients, under the `{…}` hash-tagged prefix serve gives itself.
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import { connectRedis } from '../../src/io/redis-connection.ts';
import type { RedisClient } from '../../src/io/redis-endpoint.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import { type LocalCluster, startLocalCluster } from '../support/redis-cluster.ts';
import {
  E2E_TUNING,
  type E2eWorld,
  githubDelivery,
  githubPullRequest,
  githubPush,
  RUNBOOK,
  startWorld,
  targetOf,
  WITH_PEERING,
  waitFor,
  worldConfig,
} from './e2e-fixture.ts';

const TOKEN = 'ghp_e2eClusterToken0011223344556677';
const SECRET = 'e2e-webhook-secret-cluster';
const REPO = 'acme/mesh';

describe('meshpeer serve on a Redis Cluster', () => {
  let cluster: LocalCluster;
  let world: E2eWorld;
  let serve: RunningServe;
  let redis: RedisClient;
  let store: RedisRunStore;
  let prefix: string;
  let delivery = 0;
  const deliver = (event: string, payload: unknown) =>
    githubDelivery(serve.url, event, payload, SECRET, `cluster-${++delivery}`);

  beforeAll(async () => {
    cluster = await startLocalCluster();
    world = await startWorld({ token: TOKEN, provider: 'github' });
    const config = {
      ...worldConfig(world, {
        redisUrl: cluster.url,
        token: TOKEN,
        secret: SECRET,
        provider: 'github',
        repo: REPO,
      }),
      reconcileIntervalMs: 60_000,
    };
    serve = await startServe(config, () => {}, E2E_TUNING);
    prefix = `{${config.queuePrefix}}`;
    redis = await connectRedis(cluster.url);
    store = new RedisRunStore(redis, prefix);
  }, 60_000);

  afterAll(async () => {
    await serve?.close();
    redis?.disconnect();
    await world?.stop();
    await cluster?.stop();
  });

  it('plans a pull request and applies a pushed commit, checked and reported like on one Redis', async () => {
    const planned = world.repo.commit({ 'peerings.yaml': WITH_PEERING });
    world.repo.push('HEAD:refs/pull/3/head');
    expect((await deliver('pull_request', githubPullRequest(REPO, 3, 'opened', planned))).status).toBe(202);
    await waitFor(
      () => world.api.statuses({ repo: REPO, sha: planned }).find((s) => s.state === 'success'),
      'the plan status',
    );
    const sha = world.repo.commit({ 'peerings.yaml': RUNBOOK });
    world.repo.push();
    expect((await deliver('push', githubPush(REPO, sha))).status).toBe(202);
    // The same delivery again is a replay, known from the delivery log on the Cluster.
    const replay = await githubDelivery(
      serve.url,
      'push',
      githubPush(REPO, sha),
      SECRET,
      `cluster-${delivery}`,
    );
    expect(await replay.json()).toMatchObject({ reason: 'replayed' });
    const run = await waitFor(
      async () => (await store.list(10)).find((r) => r.revision === sha && r.status !== 'running'),
      'the run',
      60_000,
    );
    expect(run.status, JSON.stringify(run).slice(0, 1500)).toBe('succeeded');
    await waitFor(
      () =>
        world.api
          .statuses({ repo: REPO, sha })
          .find((s) => s.context === 'meshpeer/apply' && s.state === 'success'),
      'the apply status',
    );
    expect(await serve.poller?.pollNow(targetOf(serve).target)).toMatchObject({ result: 'unchanged' });
    // The periodic check (first one right after start, up to 6 s of jitter) may be running just now:
    // a second check of the target is then skipped, so ask until this one ran.
    const checked = await waitFor(async () => {
      const outcome = await serve.reconciler.checkNow();
      return outcome.reasons.includes('a check is in progress') ? undefined : outcome;
    }, 'a check that is not skipped for the periodic one');
    expect(checked).toMatchObject({ result: 'in-sync', revision: sha });
    const status = (await serve.server.inject('/api/status')).json();
    expect(status.tracked[0].revisions).toMatchObject({ seen: sha, applied: sha });
    expect(status.peerings).toMatchObject([{ state: 'healthy' }]);
    if (!(redis instanceof Cluster)) throw new Error('a redis-cluster:// URL must give a Cluster client');
    const keys = (await Promise.all(redis.nodes('master').map((n) => n.keys(`${prefix}*`)))).flat();
    const slots = new Set(await Promise.all(keys.map((k) => redis.cluster('KEYSLOT', k))));
    expect([keys.length > 20, slots.size]).toEqual([true, 1]);
  }, 90_000);
});
