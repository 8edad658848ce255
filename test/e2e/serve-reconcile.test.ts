/**
 * Continuous reconciliation end to end: `meshpeer serve` on the runbook sandbox with a short check
 * interval. A peering deleted in Consul behind meshpeer's back turns unhealthy at the next check
 * and a `drift` run repairs it; without self-heal the drift is only reported; a failed run is
 * retried after its backoff and succeeds once the cluster API recovers.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import { HealthStore } from '../../src/gitops/health-store.ts';
import { createWebhookSink, verifyNotifySignature } from '../../src/notify/index.ts';
import { clientConnection } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { type RecordingReceiver, startReceiver } from '../notify/recording-receiver.ts';
import {
  type E2eWorld,
  FAST_POLICY,
  RUNBOOK,
  startWorld,
  targetOf,
  waitFor,
  worldConfig,
} from './e2e-fixture.ts';

const TOKEN = 'ghp_e2eReconcileToken0011223344556677';
const PEERING = 'cluster-01/default>cluster-02/default';
const HOOK_SECRET = 'e2e-notify-hmac-secret-0123';

describe('meshpeer serve keeps the clusters in sync', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  let config: ServeConfig;
  let store: RedisRunStore;
  let health: HealthStore;
  let redis: ReturnType<typeof clientConnection>;
  let receiver: RecordingReceiver;
  const logs: string[] = [];
  const events = () =>
    receiver.requests.map((r) => {
      expect(verifyNotifySignature(r.body, r.headers['x-meshpeer-signature'] as string, HOOK_SECRET)).toBe(
        true,
      );
      return JSON.parse(r.body) as { event: string; peering?: string; state?: string };
    });
  const start = async (overrides: Partial<ServeConfig>) => {
    serve = await startServe({ ...config, ...overrides }, (l) => logs.push(l), {
      // Few attempts, so a step that keeps failing fails the run in well under a second.
      policy: { ...FAST_POLICY, attempts: 3 },
      lockDurationMs: 5000,
      pollJitterMs: 0,
      checkJitterMs: 0,
    });
  };
  const runWhere = (what: string, match: (r: RunRecord) => boolean, timeoutMs = 60_000) =>
    waitFor(
      async () => (await store.list(50)).find((r) => match(r) && r.status !== 'running'),
      what,
      timeoutMs,
    );
  const peering = async () => (await health.get(targetOf(config).target)).find((h) => h.id === PEERING);
  const deleteDialerSide = () => world.sandbox.stack('cluster-02').consul.faults.deletePeering('cluster-01');

  beforeAll(async () => {
    world = await startWorld({ token: TOKEN, provider: 'github', initial: RUNBOOK });
    receiver = await startReceiver();
    config = {
      ...worldConfig(world, {
        redisUrl: inject('redisUrl'),
        token: TOKEN,
        secret: 'e2e-reconcile-secret',
        provider: 'github',
        repo: 'acme/mesh',
      }),
      reconcileIntervalMs: 2000,
      retry: { limit: 3, baseMs: 3000, maxMs: 6000 },
      notifySinks: [createWebhookSink({ url: receiver.url, secret: HOOK_SECRET })],
    };
    redis = clientConnection(inject('redisUrl'));
    store = new RedisRunStore(redis, config.queuePrefix);
    health = new HealthStore(redis, config.queuePrefix);
    await start({});
    await serve.poller?.pollNow(targetOf(config).target);
    const first = await runWhere('the first run', (r) => r.trigger.kind === 'poll');
    expect(first.status).toBe('succeeded');
  }, 120_000);

  afterAll(async () => {
    await serve?.close();
    redis?.disconnect();
    await world?.stop();
    await receiver?.close();
  }, 60_000);

  it('checks on its interval and records live health from the check', async () => {
    const checked = await waitFor(async () => {
      const h = await peering();
      return h?.source === 'check' && h.state === 'healthy' ? h : undefined;
    }, 'a healthy peering observed by the periodic check');
    expect(checked).toMatchObject({ acceptor: 'cluster-01', dialer: 'cluster-02' });
    const status = (await serve.server.inject('/api/status')).json();
    expect(status.reconcile).toMatchObject({
      intervalMs: 2000,
      selfHeal: true,
      lastCheck: { result: 'in-sync', reasons: [] },
    });
  });

  it('sees a peering deleted behind its back within an interval and repairs it with a drift run', async () => {
    const before = Date.now();
    // A check records the time it started as observedAt, so one that began just before the deletion
    // may be the one that sees it: any unhealthy entry newer than the last healthy one counts.
    const healthySince = Date.parse((await peering())?.observedAt ?? '');
    await deleteDialerSide();
    const unhealthy = await waitFor(async () => {
      const h = await peering();
      return h !== undefined && h.state !== 'healthy' && Date.parse(h.observedAt) > healthySince
        ? h
        : undefined;
    }, 'the deleted peering reported unhealthy');
    expect(['missing', 'failing']).toContain(unhealthy.state);
    expect(unhealthy.fix).toBeDefined();
    const repair = await runWhere(
      'a drift run',
      (r) => r.trigger.kind === 'drift' && Date.parse(r.startedAt) >= before,
    );
    expect(repair.status, repair.failure).toBe('succeeded');
    expect(repair.trigger.kind === 'drift' && repair.trigger.reasons.join(' ')).toContain('cluster-01');
    expect(repair.steps.map((s) => s.kind)).toContain('rotate');
    await waitFor(async () => ((await peering())?.state === 'healthy' ? true : undefined), 'healthy again');
    // One signed notification per change of state, however many checks saw it.
    await waitFor(
      () => (events().some((e) => e.event === 'peering-recovered') ? true : undefined),
      'the recovery notification',
    );
    expect(events().map((e) => e.event)).toEqual([
      'peering-unhealthy',
      'drift-detected',
      'peering-recovered',
    ]);
    expect(events()[0]).toMatchObject({ peering: PEERING, state: expect.stringMatching(/missing|failing/) });
  });

  it('only reports drift with self-heal off', async () => {
    await serve.close();
    await start({ selfHeal: false, reconcileIntervalMs: 3_600_000 });
    const before = Date.now();
    await deleteDialerSide();
    const outcome = await waitFor(async () => {
      const o = await serve.reconciler.checkNow();
      return o.result === 'drift' ? o : undefined;
    }, 'a check that reports the drift');
    expect(outcome.runId).toBeUndefined();
    expect(outcome.reasons.join('\n')).toMatch(/peering cluster-01 <-> cluster-02 is (missing|failing)/);
    expect((await store.list(50)).filter((r) => Date.parse(r.startedAt) >= before)).toEqual([]);
    expect((await serve.server.inject('/api/status')).json().reconcile).toMatchObject({
      selfHeal: false,
      lastCheck: { result: 'drift' },
    });
    // Put it right for the next test: a sync is what an operator would do.
    await serve.close();
    await start({});
    await waitFor(
      async () => ((await peering())?.state === 'healthy' ? true : undefined),
      'repaired',
      60_000,
    );
  });

  it('retries a failed run with backoff until it succeeds', async () => {
    const acceptors = world.sandbox.cluster('cluster-01');
    acceptors.faults.configure({
      rules: [{ verbs: ['patch'], resources: ['peeringacceptors'], rate: 1, fault: 500 }],
    });
    const head = world.repo.commit(
      {
        'peerings.yaml': RUNBOOK.replace(
          '  - acceptor: cluster-01',
          '  - acceptor: cluster-01\n    tokenSecret: rotated-token',
        ),
      },
      'rename the token Secret',
    );
    world.repo.push();
    await serve.poller?.pollNow(targetOf(config).target);
    const failed = await runWhere('the failed run', (r) => r.revision === head && r.trigger.kind === 'poll');
    expect(failed.status).toBe('failed');
    acceptors.faults.configure({});
    const retried = await runWhere('the retry', (r) => r.trigger.kind === 'retry' && r.revision === head);
    expect(retried).toMatchObject({
      status: 'succeeded',
      trigger: { kind: 'retry', of: failed.id, attempt: 1 },
    });
    expect(logs.some((l) => l.includes(`run ${failed.id} failed: retry 1 of 3`))).toBe(true);
  });
});
