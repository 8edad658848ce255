import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGithubPublisher } from '../../src/scm/github-publisher.ts';
import { redact } from '../../src/secrets/redact.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

const SHA = 'a'.repeat(40);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const OTHER_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const APP = { appId: '4242', privateKey: KEY, installationId: 77 };

describe('github publisher authenticated as a GitHub App installation', () => {
  let api: ScmStandIn | undefined;
  afterEach(() => api?.stop());

  const start = async (tokenTtlSeconds?: number) => {
    api = await startScmStandIn({
      githubApp: { ...APP, ...(tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds }) },
    });
    return api;
  };
  const calls = (stand: ScmStandIn) =>
    stand.requests.map((r) => `${r.method} ${r.path}`).filter((r) => !r.includes('/comments'));

  it('exchanges a signed JWT for an installation token and reuses it until near expiry', async () => {
    const stand = await start();
    const gh = createGithubPublisher({ app: APP, repo: 'acme/peerings', baseUrl: stand.url });
    await gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'planning' });
    await gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'success', description: 'planned' });

    expect(calls(stand)).toEqual([
      'POST /app/installations/77/access_tokens',
      `POST /repos/acme/peerings/statuses/${SHA}`,
      `POST /repos/acme/peerings/statuses/${SHA}`,
    ]);
    const [issued] = stand.appTokens();
    const used = stand.requests.filter((r) => r.path.includes('/statuses/')).map((r) => r.authorization);
    expect(used).toEqual([`token ${issued?.token}`, `token ${issued?.token}`]);
    expect(stand.requests[0]?.authorization?.startsWith('bearer ')).toBe(true);
    expect(redact(`leaked ${issued?.token}`)).not.toContain(issued?.token ?? 'missing');
  });

  it('fetches a new installation token once the cached one is within the refresh margin of expiry', async () => {
    // Tokens live 60 s here, less than the 5-minute refresh margin, so every one counts as expiring.
    const stand = await start(60);
    const gh = createGithubPublisher({ app: APP, repo: 'acme/peerings', baseUrl: stand.url });
    await gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'planning' });
    await gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'success', description: 'planned' });

    const tokens = stand.appTokens().map((t) => t.token);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    const used = stand.requests.filter((r) => r.path.includes('/statuses/')).map((r) => r.authorization);
    expect(used).toEqual([`token ${tokens[0]}`, `token ${tokens[1]}`]);
  });

  it('is refused when the JWT is signed by another key, as GitHub refuses it', async () => {
    const stand = await start();
    const gh = createGithubPublisher({
      app: { ...APP, privateKey: OTHER_KEY },
      repo: 'acme/peerings',
      baseUrl: stand.url,
    });
    await expect(
      gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'planning' }),
    ).rejects.toMatchObject({ code: 'auth_failed' });
    expect(stand.appTokens()).toEqual([]);
    expect(stand.statuses()).toEqual([]);
  });
});
