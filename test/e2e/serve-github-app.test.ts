/**
 * `meshpeer serve` authenticated as a GitHub App: installation tokens from the stand-in for the API
 * and for Git (the Git server accepts only current installation tokens), and the `meshpeer/plan`
 * check run with annotations beside the plan comment and commit status.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';
import {
  E2E_TUNING,
  type E2eWorld,
  githubDelivery,
  githubPullRequest,
  INVALID,
  RUNBOOK,
  startWorld,
  WITH_PEERING,
  waitFor,
  worldConfig,
} from './e2e-fixture.ts';

const SECRET = 'e2e-webhook-secret-github-app';
const REPO = 'acme/mesh';
const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const APP = { appId: '1001', privateKey: KEY, installationId: 2002 };

describe('meshpeer serve as a GitHub App, end to end', () => {
  let world: E2eWorld;
  let api: ScmStandIn;
  let git: GitHttpServer;
  let serve: RunningServe;
  let deliveries = 0;
  const deliver = (event: string, payload: unknown) =>
    githubDelivery(serve.url, event, payload, SECRET, `gh-app-delivery-${++deliveries}`);

  beforeAll(async () => {
    world = await startWorld({ token: 'ghp_notUsedByTheAppWorld000111', provider: 'github' });
    api = await startScmStandIn({ githubApp: APP });
    const valid = (p: string) => api.appTokens().some((t) => t.token === p && t.expiresAt > Date.now());
    git = await startGitHttpServer({
      projectRoot: world.repo.root,
      auth: { username: 'x-access-token', password: valid },
    });
    const { token: _token, ...base } = worldConfig(world, {
      redisUrl: inject('redisUrl'),
      token: 'unused',
      secret: SECRET,
      provider: 'github',
      repo: REPO,
    });
    const config = {
      ...base,
      targets: base.targets.map((t) => ({ ...t, url: git.repoUrl('mesh') })),
      scmApiUrl: api.url,
      githubApp: APP,
    };
    serve = await startServe(config, () => {}, E2E_TUNING);
  }, 60_000);

  afterAll(async () => {
    await serve?.close();
    await Promise.allSettled([git?.stop(), api?.stop()]);
    await world?.stop();
  });

  it('fetches the pull request with an installation token and annotates the invalid lines in a check run', async () => {
    const sha = world.repo.commit({ 'peerings.yaml': INVALID });
    world.repo.push('HEAD:refs/pull/7/head');
    world.repo.commit({ 'peerings.yaml': RUNBOOK }, 'back to the runbook locally');
    expect((await deliver('pull_request', githubPullRequest(REPO, 7, 'opened', sha))).status).toBe(202);
    const run = await waitFor(
      () => api.checkRuns(REPO).find((r) => r.headSha === sha && r.conclusion !== undefined),
      'the check run',
    );
    expect(run).toMatchObject({ name: 'meshpeer/plan', status: 'completed', conclusion: 'failure' });
    const line = INVALID.split('\n').findIndex((l) => l.includes('cluster-07')) + 1;
    expect(run.annotations).toEqual([
      expect.objectContaining({ path: 'peerings.yaml', start_line: line, annotation_level: 'failure' }),
    ]);
    expect(api.comments(REPO, 7)).toHaveLength(1);
    expect(api.statuses({ sha }).map((s) => s.state)).toEqual(['pending', 'failure']);
    expect(git.requests.length).toBeGreaterThan(0);
    expect(git.requests.every((r) => r.authorized)).toBe(true);
    const tokens = new Set(api.appTokens().map((t) => `token ${t.token}`));
    expect(
      api.requests
        .filter((r) => r.path.startsWith('/repos/'))
        .every((r) => tokens.has(r.authorization ?? '')),
    ).toBe(true);
  });

  it('concludes success for a valid plan', async () => {
    const sha = world.repo.commit({ 'peerings.yaml': WITH_PEERING });
    world.repo.push('HEAD:refs/pull/8/head');
    expect((await deliver('pull_request', githubPullRequest(REPO, 8, 'opened', sha))).status).toBe(202);
    const run = await waitFor(
      () => api.checkRuns(REPO).find((r) => r.headSha === sha && r.conclusion !== undefined),
      'the check run',
    );
    expect(run).toMatchObject({ conclusion: 'success', annotations: [] });
    expect(run.summary).toMatch(/^Plan: \d+ to add, \d+ to change/);
  });
});
