/**
 * The GitOps pieces against a real `git http-backend`, the harness Redis and the recording SCM
 * stand-in: polling (no pack without a new commit, one run per new commit, no rollback by a slow
 * poll), plan comments for an invalid file (no cluster contact) and apply statuses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyStatusFor } from '../../src/gitops/apply-status.ts';
import { createGitSources, type GitSources } from '../../src/gitops/git-source-loader.ts';
import { planPullRequest } from '../../src/gitops/plan-pull-request.ts';
import { pollRepo } from '../../src/gitops/poll-repo.ts';
import { RevisionStore } from '../../src/gitops/revision-store.ts';
import type { SyncDeps } from '../../src/gitops/sync-request.ts';
import type { TrackedRepo } from '../../src/gitops/tracked-repo.ts';
import { openQueues, type Queues } from '../../src/run/queues.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { latestRequest } from '../../src/run/run-requests.ts';
import { createGithubPublisher } from '../../src/scm/github-publisher.ts';
import { createFixtureRepo, type FixtureRepo } from '../source/git-fixtures.ts';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

const TOKEN = 'ghp_gitopsLoopTestToken0123456789';
const VALID = `apiVersion: meshpeer.dev/v1alpha1
kind: PeeringTopology
metadata:
  name: loop
clusters:
  - name: cluster-01
  - name: cluster-02
peerings:
  - acceptor: cluster-01
    dialer: cluster-02
`;
const INVALID = VALID.replace('dialer: cluster-02', 'dialer: cluster-09');

describe('gitops loop pieces', () => {
  let fixture: FixtureRepo;
  let git: GitHttpServer;
  let api: ScmStandIn;
  let queues: Queues;
  let redis: Redis;
  let sources: GitSources;
  let cacheDir: string;
  let sync: SyncDeps;
  let repo: TrackedRepo;
  const prefix = `gitops-test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    fixture = createFixtureRepo('mesh');
    fixture.commitAndPush({ 'peerings.yaml': VALID });
    git = await startGitHttpServer({ projectRoot: fixture.root, auth: { password: TOKEN } });
    api = await startScmStandIn({ githubToken: TOKEN });
    cacheDir = mkdtempSync(join(tmpdir(), 'meshpeer-gitops-'));
    repo = {
      target: 'acme/mesh@main',
      url: git.repoUrl('mesh'),
      branch: 'main',
      path: 'peerings.yaml',
      provider: 'github',
      repo: 'acme/mesh',
    };
    sources = createGitSources({ repos: [repo], cacheDir, auth: { token: TOKEN }, timeoutMs: 5000 });
    queues = await openQueues(inject('redisUrl'), prefix);
    redis = new Redis(inject('redisUrl'));
    sync = { redis: queues.redis, runs: queues.runs, revisions: new RevisionStore(queues.redis, prefix) };
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await git?.stop();
    await api?.stop();
    fixture?.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('requests one run per new commit, at that exact commit, and downloads no pack when nothing changed', async () => {
    const source = sources.source(repo.url, repo.branch);
    const first = await pollRepo(sync, repo, source);
    expect(first.result).toBe('new-commit');
    const request = await latestRequest(queues.redis, repo.target, prefix);
    expect(request).toMatchObject({
      trigger: { kind: 'poll' },
      revision: first.head,
      source: { kind: 'git', sha: first.head, path: 'peerings.yaml' },
    });
    expect(JSON.stringify(request)).not.toContain(TOKEN);

    const packsBefore = git.packFetches();
    const statsBefore = source.stats().packFetches;
    expect((await pollRepo(sync, repo, source)).result).toBe('unchanged');
    expect(git.packFetches()).toBe(packsBefore);
    expect(source.stats().packFetches).toBe(statsBefore);

    const next = fixture.commitAndPush({ 'peerings.yaml': `${VALID}# v2\n` });
    expect(await pollRepo(sync, repo, source)).toMatchObject({ result: 'new-commit', head: next });
  });

  it('never lets a poll that listed an older head overwrite a newer commit recorded by a webhook', async () => {
    const revisions = sync.revisions;
    const seen = (await revisions.get(repo.target)).seen ?? '';
    await revisions.markSeen(repo.target, 'e'.repeat(40)); // the webhook wins meanwhile
    expect(await revisions.markSeenIf(repo.target, seen, 'd'.repeat(40))).toBe(false);
    expect((await revisions.get(repo.target)).seen).toBe('e'.repeat(40));
  });

  // Seen in CI as a serve e2e test's first poll that never got its run: the scheduled poll at start
  // listed the refs before the test's push and recorded that older commit while this poll was
  // listing; this poll's compare-and-set then failed, and it used to give up as if a webhook had won.
  it('lists the refs again when a slower poll recorded an older commit meanwhile, and requests the head', async () => {
    const revisions = sync.revisions;
    const head = fixture.commitAndPush({ 'peerings.yaml': `${VALID}# v3\n` });
    const older = (await revisions.get(repo.target)).seen ?? '';
    const real = sources.source(repo.url, repo.branch);
    let listings = 0;
    const racing = {
      async headRevision() {
        listings++;
        const listed = await real.headRevision();
        // The scheduled poll lands its (older) commit while this listing is in flight.
        if (listings === 1) await revisions.markSeen(repo.target, `${older.slice(0, 39)}0`);
        return listed;
      },
    };
    const outcome = await pollRepo(sync, repo, racing);
    expect(outcome).toMatchObject({ result: 'new-commit', head });
    expect(listings).toBe(2);
    expect((await revisions.get(repo.target)).seen).toBe(head);
    expect(await latestRequest(queues.redis, repo.target, prefix)).toMatchObject({ revision: head });
  });

  it('loads a git source for run workers, and refuses repositories that are not configured', async () => {
    const head = await sources.source(repo.url, repo.branch).headRevision();
    const file = await sources.load({
      kind: 'git',
      url: repo.url,
      branch: 'main',
      path: 'peerings.yaml',
      sha: head,
    });
    expect(file.content).toContain('kind: PeeringTopology');
    await expect(
      sources.load({
        kind: 'git',
        url: 'https://evil.example/steal.git',
        branch: 'main',
        path: 'p.yaml',
        sha: head,
      }),
    ).rejects.toThrow(/is not configured/);
  });

  it('reports an invalid file on the pull request with file:line:col and contacts no cluster', async () => {
    const headSha = fixture.commit({ 'peerings.yaml': INVALID });
    fixture.push('HEAD:refs/pull/7/head');
    let clusterContacts = 0;
    const publisher = createGithubPublisher({ token: TOKEN, repo: 'acme/mesh', baseUrl: api.url });
    const outcome = await planPullRequest(
      {
        kind: 'plan-pr',
        provider: 'github',
        repo: 'acme/mesh',
        number: 7,
        headSha,
        headRef: 'feature',
        baseRef: 'main',
        deliveryId: 'd-7',
      },
      {
        source: sources.source(repo.url, repo.branch),
        path: 'peerings.yaml',
        publisher,
        clients: () => {
          clusterContacts += 1;
          throw new Error('must not be called');
        },
      },
    );
    expect(outcome).toMatchObject({ result: 'invalid', comment: 'created' });
    expect(clusterContacts).toBe(0);
    const statuses = api.statuses({ sha: headSha });
    expect(statuses.map((s) => s.state)).toEqual(['pending', 'failure']);
    expect(statuses[1]?.description).toMatch(/^invalid \(1 error\): peerings\.yaml:\d+:\d+: /);
    expect(statuses[1]?.description?.length).toBeLessThanOrEqual(140);
    const comments = api.comments('acme/mesh', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/peerings\.yaml:\d+:\d+: .*cluster-09/);
  });

  it('maps finished runs to meshpeer/apply statuses', () => {
    const base: RunRecord = {
      id: 'run-x',
      target: 't',
      revision: 'a'.repeat(40),
      trigger: { kind: 'poll' },
      status: 'succeeded',
      startedAt: '',
      passes: 1,
      steps: [],
    };
    expect(applyStatusFor(base)).toMatchObject({ context: 'meshpeer/apply', state: 'success' });
    expect(
      applyStatusFor({
        ...base,
        status: 'failed',
        failure: 'invalid desired state, nothing was changed:\np.yaml:3:4: bad',
      }),
    ).toMatchObject({ state: 'failure', description: expect.stringContaining('p.yaml:3:4: bad') });
    expect(applyStatusFor({ ...base, status: 'superseded' })).toMatchObject({ state: 'error' });
    expect(applyStatusFor({ ...base, revision: 'working-tree' })).toBeUndefined();
  });
});
