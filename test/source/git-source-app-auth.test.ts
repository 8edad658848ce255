import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubInstallationToken } from '../../src/scm/github-app-auth.ts';
import { createGitSource } from '../../src/source/git-source.ts';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';
import { createFixtureRepo, type FixtureRepo } from './git-fixtures.ts';

const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const APP = { appId: '31', privateKey: KEY, installationId: 8 };

describe('git over HTTPS with GitHub App installation tokens', () => {
  let api: ScmStandIn;
  let repo: FixtureRepo;
  let server: GitHttpServer;
  const cacheDir = mkdtempSync(join(tmpdir(), 'meshpeer-cache-'));

  beforeAll(async () => {
    // Tokens live 60 s, inside the 5-minute refresh margin: every Git request gets a fresh one.
    api = await startScmStandIn({ githubApp: { ...APP, tokenTtlSeconds: 60 } });
    repo = createFixtureRepo('mesh');
    const valid = (p: string) => api.appTokens().some((t) => t.token === p && t.expiresAt > Date.now());
    server = await startGitHttpServer({
      projectRoot: repo.root,
      auth: { username: 'x-access-token', password: valid },
    });
  });
  afterAll(async () => {
    await server.stop();
    await api.stop();
    repo.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('fetches with x-access-token and a current installation token, and is refused without one', async () => {
    const sha = repo.commitAndPush({ 'peerings.yaml': 'clusters: []\n' });
    const src = createGitSource({
      url: server.repoUrl('mesh'),
      branch: 'main',
      cacheDir,
      timeoutMs: 5000,
      auth: { token: githubInstallationToken(APP, api.url), username: 'x-access-token' },
    });
    expect(await src.headRevision()).toBe(sha);
    const file = await src.readFileAt('main');
    expect(file.content).toBe('clusters: []\n');
    expect(server.requests.every((r) => r.authorized)).toBe(true);
    // One installation token per Git request, since each was within the refresh margin.
    expect(api.appTokens().length).toBeGreaterThanOrEqual(server.requests.length);

    const anonymous = createGitSource({
      url: server.repoUrl('mesh'),
      branch: 'main',
      cacheDir,
      timeoutMs: 5000,
    });
    await expect(anonymous.headRevision()).rejects.toMatchObject({ code: 'auth_failed' });
  });
});
