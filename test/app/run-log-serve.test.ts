/**
 * The run, plan and webhook lines of a real `meshpeer serve` (harness Redis, sandbox, Git server):
 * exactly one `run.start` and one `run.end` per run and process role, with in-process workers and
 * with `--no-workers` beside a separate worker.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServe } from '../../src/app/serve-app.ts';
import { startWorkers } from '../../src/app/start-workers.ts';
import { createServiceLogger } from '../../src/io/service-logger.ts';
import {
  type E2eWorld,
  FAST_POLICY,
  githubDelivery,
  githubPush,
  startWorld,
  targetOf,
  WITH_PEERING,
  waitFor,
  worldConfig,
} from '../e2e/e2e-fixture.ts';
import { type CapturedLines, captureLines } from './capture-lines.ts';

const TOKEN = 'ghp_runLogServeToken0011223344556677';
const SECRET = 'run-log-webhook-secret';
const REPO = 'acme/mesh';

const ofRun = (out: CapturedLines, name: string, runId: unknown) =>
  out.events(name).filter((l) => l.runId === runId);

describe('serve run, plan and webhook lines', () => {
  let world: E2eWorld;
  let sha: string;
  const config = () =>
    worldConfig(world, {
      redisUrl: inject('redisUrl'),
      token: TOKEN,
      secret: SECRET,
      provider: 'github',
      repo: REPO,
    });

  beforeAll(async () => {
    world = await startWorld({ token: TOKEN, provider: 'github' });
    sha = world.repo.commit({ 'peerings.yaml': WITH_PEERING });
    world.repo.push();
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('with in-process workers: one webhook line, one run.start and one run.end', async () => {
    const out = captureLines();
    const serve = await startServe(config(), createServiceLogger('serve', 'info', out), {
      policy: FAST_POLICY,
      pollJitterMs: 0,
    });
    try {
      const answer = await githubDelivery(serve.url, 'push', githubPush(REPO, sha), SECRET, 'run-log-1');
      expect(answer.status).toBe(202);
      // The startup poll's run of the same commit may start first and be superseded by this one.
      const byWebhook = (l: Record<string, unknown>) => (l.trigger as { kind?: string }).kind === 'webhook';
      const end = await waitFor(() => out.events('run.end').find(byWebhook), 'the run.end line', 60_000);
      // The apply status is published after serve handled the completion, so any second line is in.
      await waitFor(
        () =>
          world.api
            .statuses({ repo: REPO, sha })
            .find((s) => s.context === 'meshpeer/apply' && s.state !== 'pending'),
        'the apply status',
      );
      expect(out.events('webhook')).toEqual([
        expect.objectContaining({ decision: 'accepted', action: 'sync', deliveryId: 'run-log-1', sha }),
      ]);
      expect(ofRun(out, 'run.start', end.runId)).toEqual([
        expect.objectContaining({
          commit: sha,
          trigger: { kind: 'webhook', provider: 'github', deliveryId: 'run-log-1' },
        }),
      ]);
      expect(ofRun(out, 'run.end', end.runId)).toHaveLength(1);
      expect(end).toMatchObject({ result: 'succeeded', commit: sha, target: `${REPO}@main` });
      expect(end.durationMs).toEqual(expect.any(Number));
      expect(out.lines.join('\n')).not.toContain(TOKEN);
    } finally {
      await serve.close();
    }
  }, 120_000);

  it('with --no-workers: serve logs the run end, the worker its start and end', async () => {
    const serveOut = captureLines();
    const workerOut = captureLines();
    const cfg = { ...config(), workers: false };
    const serve = await startServe(cfg, createServiceLogger('serve', 'info', serveOut), { pollJitterMs: 0 });
    const workers = await startWorkers({
      redisUrl: cfg.redisUrl,
      prefix: cfg.queuePrefix,
      policy: FAST_POLICY,
      loadSource: (await import('../../src/gitops/git-source-loader.ts')).createGitSources({
        repos: [targetOf(serve)],
        cacheDir: `${world.dir}/worker-cache`,
        auth: { token: TOKEN, username: 'x-access-token' },
      }).load,
      ...(cfg.kubeconfig !== undefined && { overrides: { kubeconfig: cfg.kubeconfig, contexts: {} } }),
      events: createServiceLogger('worker', 'info', workerOut).event,
    });
    try {
      await serve.poller?.pollNow(targetOf(serve).target);
      const end = await waitFor(() => serveOut.events('run.end')[0], 'the serve run.end line', 60_000);
      await waitFor(() => ofRun(workerOut, 'run.end', end.runId)[0], 'the worker run.end line');
      expect(serveOut.events('run.start')).toEqual([]);
      expect(ofRun(serveOut, 'run.end', end.runId)).toHaveLength(1);
      expect(ofRun(workerOut, 'run.start', end.runId)).toEqual([
        expect.objectContaining({ commit: sha, trigger: { kind: 'poll' } }),
      ]);
      expect(ofRun(workerOut, 'run.end', end.runId)).toEqual([
        expect.objectContaining({ result: end.result }),
      ]);
    } finally {
      await serve.close();
      await workers.close();
    }
  }, 120_000);

  it('a shutdown with a run in flight finishes the run and logs its end', async () => {
    const out = captureLines();
    const next = world.repo.commit({ 'peerings.yaml': `${WITH_PEERING}\n# shutdown\n` });
    world.repo.push();
    const serve = await startServe(config(), createServiceLogger('serve', 'info', out), {
      policy: FAST_POLICY,
      pollJitterMs: 0,
    });
    await githubDelivery(serve.url, 'push', githubPush(REPO, next), SECRET, 'run-log-2');
    const start = await waitFor(
      () =>
        out
          .events('run.start')
          .find((l) => l.commit === next && (l.trigger as { kind?: string }).kind === 'webhook'),
      'the run.start line',
    );
    // Closing the step worker together with the run worker used to leave the run waiting on its steps.
    await serve.close();
    expect(ofRun(out, 'run.end', start.runId)).toEqual([expect.objectContaining({ result: 'succeeded' })]);
  }, 60_000);
});
