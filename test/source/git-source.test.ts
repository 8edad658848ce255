import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitSource, type GitSourceOptions, pullRequestHeadRef } from '../../src/source/git-source.ts';
import { isSourceError, type SourceError } from '../../src/source/source-error.ts';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.ts';
import { createFixtureRepo, type FixtureRepo } from './git-fixtures.ts';

const V1 = 'clusters: []\n';
const V2 = 'clusters: [a]\n';

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (err) {
    if (isSourceError(err)) return err;
    throw err;
  }
  throw new Error('expected a SourceError');
}

describe('git source over git http-backend', () => {
  let repo: FixtureRepo;
  let server: GitHttpServer;
  const cacheDirs: string[] = [];

  const source = (overrides: Partial<GitSourceOptions> = {}) => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'meshpeer-cache-'));
    cacheDirs.push(cacheDir);
    return createGitSource({
      url: server.repoUrl('config'),
      branch: 'main',
      cacheDir,
      timeoutMs: 5000,
      ...overrides,
    });
  };

  beforeAll(async () => {
    repo = createFixtureRepo('config');
    server = await startGitHttpServer({ projectRoot: repo.root });
  });
  afterAll(async () => {
    await server.stop();
    repo.cleanup();
    for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('detects the head by listing refs, without downloading a pack', async () => {
    const sha = repo.commitAndPush({ 'peerings.yaml': V1 });
    const src = source();
    const before = server.packFetches();
    expect(await src.headRevision()).toBe(sha);
    expect(await src.headRevision()).toBe(sha);
    expect(server.packFetches()).toBe(before);
    expect(src.stats().packFetches).toBe(0);
    expect(src.stats().refListings).toBeGreaterThan(0);
    // Protocol v2: the branch is filtered on the server by an ls-refs command.
    expect(server.requests.some((r) => r.kind === 'ls-refs')).toBe(true);
  });

  it('fetches a new commit and reads the file at that exact sha; an unchanged head fetches nothing', async () => {
    const first = repo.commitAndPush({ 'peerings.yaml': V1 });
    const src = source();
    expect(await src.readDesired(first)).toEqual({ revision: first, path: 'peerings.yaml', content: V1 });
    expect(src.stats().packFetches).toBe(1);

    const second = repo.commitAndPush({ 'peerings.yaml': V2 });
    const head = await src.headRevision();
    expect(head).toBe(second);
    expect((await src.readDesired(head)).content).toBe(V2);
    expect(src.stats().packFetches).toBe(2);

    // A poll that sees the same head, and a re-read of either commit, go nowhere near upload-pack.
    const packsOnServer = server.packFetches();
    expect(await src.headRevision()).toBe(second);
    expect((await src.readDesired(second)).content).toBe(V2);
    expect(await src.readFile(first)).toBe(V1);
    expect(server.packFetches()).toBe(packsOnServer);
    expect(src.stats().packFetches).toBe(2);
  });

  it('still finds a listed commit after the branch moved past it', async () => {
    const src = source();
    const wanted = repo.commitAndPush({ 'peerings.yaml': 'wanted: true\n' });
    repo.commitAndPush({ 'peerings.yaml': 'later: true\n' });
    expect((await src.readDesired(wanted)).content).toBe('wanted: true\n');
  });

  it('starts over with an empty cache after the configured number of fetches', async () => {
    const src = source({ maxFetchesBeforeReset: 1 });
    const a = repo.commitAndPush({ 'peerings.yaml': 'a: 1\n' });
    expect((await src.readDesired(a)).content).toBe('a: 1\n');
    const b = repo.commitAndPush({ 'peerings.yaml': 'b: 1\n' });
    expect((await src.readDesired(b)).content).toBe('b: 1\n');
    expect(await src.readFile(b)).toBe('b: 1\n');
    // The reset dropped commit a; reading it again fetches it again.
    await expect(src.readFile(a)).rejects.toMatchObject({ code: 'revision_not_found' });
    expect((await src.readDesired(a)).content).toBe('a: 1\n');
  });

  it('reads pull-request head refs and arbitrary refs', async () => {
    repo.commitAndPush({ 'peerings.yaml': V1 });
    const prSha = repo.commit({ 'peerings.yaml': 'pr: 7\n' });
    repo.push(`HEAD:${pullRequestHeadRef('github', 7)}`);
    repo.push(`HEAD:${pullRequestHeadRef('gitlab', 3)}`);
    const src = source();
    expect(await src.readFileAt('refs/pull/7/head')).toEqual({
      revision: prSha,
      path: 'peerings.yaml',
      content: 'pr: 7\n',
    });
    const other = source();
    await other.fetchRevision(prSha, 'refs/merge-requests/3/head');
    expect(await other.readFile(prSha)).toBe('pr: 7\n');
    expect((await other.readFileAt(prSha)).content).toBe('pr: 7\n');
  });

  it('reports a missing branch, ref, file and repository with typed errors', async () => {
    const sha = repo.commitAndPush({ 'peerings.yaml': V1 });
    const src = source({ branch: 'release' });
    const noBranch = await failure(src.headRevision());
    expect(noBranch.code).toBe('branch_not_found');
    expect(noBranch.message).toMatch(/^list refs: branch release does not exist on http:\/\/127\.0\.0\.1/);
    expect((await failure(source().readFileAt('refs/pull/999/head'))).code).toBe('branch_not_found');

    const missingFile = await failure(source({ path: 'nope.yaml' }).readDesired(sha));
    expect(missingFile.code).toBe('file_not_found');
    expect(missingFile.message).toBe(`read: nope.yaml does not exist at commit ${sha.slice(0, 12)}`);

    expect((await failure(source().readFile(sha))).code).toBe('revision_not_found');
    const noRepo = source({ url: server.repoUrl('missing') });
    expect((await failure(noRepo.headRevision())).code).toBe('repo_not_found');
  });

  it('times out against a server that never answers', async () => {
    const sha = repo.commitAndPush({ 'peerings.yaml': V1 });
    const src = source({ timeoutMs: 200 });
    server.stalled = true;
    try {
      const head = await failure(src.headRevision());
      expect(head.code).toBe('timeout');
      expect(head.message).toContain('did not answer within 200 ms');
      expect((await failure(src.readDesired(sha))).code).toBe('timeout');
    } finally {
      server.stalled = false;
    }
  });

  it('reports an unreachable server as a network error', async () => {
    const src = source({ url: 'http://127.0.0.1:9/config.git' });
    expect((await failure(src.headRevision())).code).toBe('network');
  });
});

describe('git source authentication', () => {
  const TOKEN = 'ghs_s3cretTokenValue0123456789';
  let repo: FixtureRepo;
  let server: GitHttpServer;
  let cacheDir: string;

  beforeAll(async () => {
    repo = createFixtureRepo('private');
    repo.commitAndPush({ 'peerings.yaml': V1 });
    server = await startGitHttpServer({
      projectRoot: repo.root,
      auth: { username: 'x-access-token', password: TOKEN },
    });
    cacheDir = mkdtempSync(join(tmpdir(), 'meshpeer-cache-'));
  });
  afterAll(async () => {
    await server.stop();
    repo.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('sends the token as a header up front and never writes it to disk', async () => {
    const src = createGitSource({
      url: server.repoUrl('private'),
      branch: 'main',
      cacheDir,
      auth: { token: TOKEN },
    });
    const head = await src.headRevision();
    expect((await src.readDesired(head)).content).toBe(V1);
    expect(server.requests.every((r) => r.authorized)).toBe(true);
    for (const dir of readdirSync(cacheDir)) {
      const config = readFileSync(join(cacheDir, dir, 'config'), 'utf8');
      expect(config).not.toContain(TOKEN);
      expect(config).not.toContain('127.0.0.1');
    }
  });

  it('maps a wrong or missing token to auth_failed without leaking it', async () => {
    const wrong = 'ghs_wrongTokenValue9876543210';
    const bad = createGitSource({
      url: server.repoUrl('private'),
      branch: 'main',
      cacheDir,
      auth: { token: wrong },
    });
    const err = await failure(bad.headRevision());
    expect(err.code).toBe('auth_failed');
    expect(err.message).toContain('http 401');
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify(err)).not.toContain(wrong);

    const anonymous = createGitSource({ url: server.repoUrl('private'), branch: 'main', cacheDir });
    expect((await failure(anonymous.headRevision())).code).toBe('auth_failed');
  });

  it('uses the configured username, as GitLab expects oauth2', async () => {
    const gitlab = await startGitHttpServer({
      projectRoot: repo.root,
      auth: { username: 'oauth2', password: TOKEN },
    });
    try {
      const src = createGitSource({
        url: gitlab.repoUrl('private'),
        branch: 'main',
        cacheDir,
        auth: { token: TOKEN, username: 'oauth2' },
      });
      expect(await src.headRevision()).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await gitlab.stop();
    }
  });
});
