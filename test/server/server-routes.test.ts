import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../src/gitops/status-snapshot.ts';
import type { PlanPrEvent, SyncEvent } from '../../src/gitops/sync-event.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { createServer } from '../../src/server/create-server.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { checkReadiness } from '../../src/server/readiness.ts';
import { createMemoryDeliveryLog } from '../../src/server/webhooks/delivery-log.ts';

const SECRET = 'hook-secret-for-route-tests';
const LEAK = 'ghp_leakyTokenValue1234567890';
const SHA = 'a'.repeat(40);

const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const push = (sha = SHA) =>
  JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { full_name: 'acme/mesh' } });

const record: RunRecord = {
  id: 'run-1',
  target: 'acme/mesh@main',
  revision: SHA,
  trigger: { kind: 'webhook', provider: 'github', deliveryId: 'd-1' },
  status: 'failed',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:02.000Z',
  passes: 1,
  steps: [
    {
      id: 'cluster-01/default>cluster-02/default',
      kind: 'verify',
      lane: 'verify',
      action: 'verify',
      status: 'done',
      detail: 'ACTIVE',
      attempts: 1,
      durationMs: 40,
    },
  ],
  failure: `token ${LEAK} was refused`,
};

const snapshot = (): StatusSnapshot => ({
  generatedAt: '2026-01-01T00:00:03.000Z',
  target: 'acme/mesh@main',
  tracked: [],
  runs: [{ ...record, steps: { done: 1 } }],
  peerings: [
    {
      id: 'cluster-01/default>cluster-02/default',
      acceptor: 'cluster-01',
      dialer: 'cluster-02',
      state: 'healthy',
      detail: 'ACTIVE',
      source: 'run',
      run: 'run-1',
      revision: SHA,
      observedAt: '2026-01-01T00:00:02.000Z',
    },
  ],
  topology: {
    name: 'runbook',
    revision: SHA,
    clusters: ['cluster-01', 'cluster-02'],
    installs: [
      { name: 'cluster-01', cluster: 'cluster-01', partition: 'default', context: 'cluster-01' },
      { name: 'cluster-02', cluster: 'cluster-02', partition: 'default', context: 'cluster-02' },
    ],
    peerings: [{ id: 'p', acceptor: 'cluster-01', dialer: 'cluster-02' }],
    exports: [],
  },
  reconcile: { intervalMs: 0, selfHeal: false },
});

describe('the serve http routes', () => {
  let app: FastifyInstance;
  const enqueued: Array<SyncEvent | PlanPrEvent> = [];
  let failEnqueue = false;
  let gitReachable = true;
  const metrics = createMetrics({
    targets: ['acme/mesh@main'],
    peerings: async () => snapshot().peerings.map((p) => ({ ...p, target: 'acme/mesh@main' })),
  });

  beforeAll(async () => {
    registerSecret(LEAK);
    app = await createServer({
      webhooks: {
        secrets: { github: [SECRET] },
        targets: [{ repo: 'acme/mesh', branch: 'main' }],
        deliveries: createMemoryDeliveryLog(),
        enqueue: async (event) => {
          if (failEnqueue) throw new Error('redis down');
          enqueued.push(event);
        },
        onOutcome: (provider, reason) => metrics.recordWebhook(provider, reason),
      },
      metrics,
      readiness: () =>
        checkReadiness({
          redis: async () => 'PONG',
          git: async () => {
            if (!gitReachable) throw new Error(`list refs: could not reach https://x:${LEAK}@git.example`);
          },
        }),
      status: async () => snapshot(),
      run: async (id) => (id === record.id ? record : undefined),
    });
  });
  afterAll(() => app.close());

  const deliver = (body: string, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/github',
      payload: body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
    });

  it('accepts a signed push with 202 and enqueues one sync event', async () => {
    const body = push();
    const res = await deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-accept' });
    expect(res.statusCode).toBe(202);
    expect(enqueued).toEqual([expect.objectContaining({ kind: 'sync', sha: SHA, deliveryId: 'd-accept' })]);
  });

  it('answers 401 to a bad signature and enqueues nothing', async () => {
    const before = enqueued.length;
    const body = push();
    const res = await deliver(body, {
      'x-hub-signature-256': sign(body, 'wrong-secret'),
      'x-github-delivery': 'd-bad',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ reason: 'bad_signature' });
    expect(enqueued.length).toBe(before);
  });

  it('answers 413 to a body over 1 MiB before verifying it', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const res = await deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-big' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ reason: 'too_large' });
  });

  it('acknowledges a replayed delivery without enqueueing it again', async () => {
    const body = push('b'.repeat(40));
    const headers = { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-replay' };
    expect((await deliver(body, headers)).statusCode).toBe(202);
    const before = enqueued.length;
    const again = await deliver(body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ reason: 'replayed' });
    expect(enqueued.length).toBe(before);
  });

  it('answers 503 when the queue is down and honours the redelivery afterwards', async () => {
    const body = push('c'.repeat(40));
    const headers = { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-down' };
    failEnqueue = true;
    expect((await deliver(body, headers)).statusCode).toBe(503);
    failEnqueue = false;
    expect((await deliver(body, headers)).statusCode).toBe(202);
  });

  it('has no GitLab route when GitLab is not configured', async () => {
    const res = await app.inject({ method: 'POST', url: '/webhooks/gitlab', payload: '{}' });
    expect(res.statusCode).toBe(404);
  });

  it('reports health, and readiness with a redacted reason', async () => {
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    gitReachable = false;
    const res = await app.inject('/readyz');
    gitReachable = true;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ ready: false, checks: { redis: { ok: true }, git: { ok: false } } });
    expect(res.body).not.toContain(LEAK);
  });

  it('serves the status JSON and run records without secrets', async () => {
    const status = await app.inject('/api/status');
    expect(status.json()).toMatchObject({ peerings: [{ acceptor: 'cluster-01', state: 'healthy' }] });
    expect(status.body).not.toContain(LEAK);
    const run = await app.inject('/api/runs/run-1');
    expect(run.json()).toMatchObject({ id: 'run-1', status: 'failed' });
    expect(run.body).not.toContain(LEAK);
    expect((await app.inject('/api/runs/nope')).statusCode).toBe(404);
  });

  it('serves the status page shell, which loads only its own script and stylesheet', async () => {
    const res = await app.inject('/');
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<script type="module" src="page/app.js"></script>');
    expect(res.body).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//);
    expect(res.body).not.toContain(LEAK);
  });

  it('exports webhook outcomes and peering health as prometheus metrics', async () => {
    metrics.recordRun(record);
    const text = (await app.inject('/metrics')).body;
    expect(text).toContain('meshpeer_webhooks_total{provider="github",reason="bad_signature"} 1');
    expect(text).toContain('meshpeer_webhooks_total{provider="github",reason="too_large"} 1');
    expect(text).toContain('meshpeer_runs_total{target="acme/mesh@main",status="failed"} 1');
    expect(text).toContain('meshpeer_step_results_total{kind="verify",status="done"} 1');
    expect(text).toMatch(
      /meshpeer_peering_healthy\{target="acme\/mesh@main",peering="cluster-01\/default>cluster-02\/default",acceptor="cluster-01",dialer="cluster-02",state="healthy"\} 1/,
    );
    expect(text).toContain(
      'meshpeer_peering_observed_timestamp_seconds{target="acme/mesh@main",peering="cluster-01/default>cluster-02/default"} 1767225602',
    );
    // Series with no event yet are there from the first scrape, at 0.
    expect(text).toContain('meshpeer_plans_total{target="acme/mesh@main",result="planned"} 0');
    expect(text).toContain('meshpeer_checks_total{target="acme/mesh@main",result="drift"} 0');
    expect(text).toContain('meshpeer_run_duration_seconds_bucket');
  });
});
