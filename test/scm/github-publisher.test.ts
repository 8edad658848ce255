import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../sandbox/src/local-redis.ts';
import { createGithubPublisher, type GithubPublisherOptions } from '../../src/scm/github-publisher.ts';
import { PLAN_MARKER } from '../../src/scm/scm-publisher.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

const TOKEN = 'ghp_standInToken0123456789abcdef';
const SHA = 'f'.repeat(40);

describe('github publisher against the recording stand-in', () => {
  let api: ScmStandIn;
  let pr = 0;
  const publisher = (overrides: Partial<GithubPublisherOptions> = {}) =>
    createGithubPublisher({ token: TOKEN, repo: 'acme/peerings', baseUrl: api.url, ...overrides });

  beforeAll(async () => {
    api = await startScmStandIn({ githubToken: TOKEN, githubLogin: 'meshpeer[bot]', maxPerPage: 2 });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    pr += 1;
  });

  it('creates exactly one comment, edits it in place, and writes nothing when unchanged', async () => {
    const gh = publisher({ botLogin: 'meshpeer[bot]' });
    // Other people's comments, enough to need several pages.
    for (const text of ['lgtm', 'please add eu-west', 'ping'])
      api.seedComment('acme/peerings', pr, text, 'alice');
    const writesBefore = api.writes().length;

    expect(await gh.upsertPlanComment(pr, '## plan\n2 steps')).toBe('created');
    expect(await gh.upsertPlanComment(pr, '## plan\n3 steps')).toBe('updated');
    expect(await gh.upsertPlanComment(pr, '## plan\n3 steps')).toBe('unchanged');

    const ours = api.comments('acme/peerings', pr).filter((c) => c.author === 'meshpeer[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(`${PLAN_MARKER}\n## plan\n3 steps`);
    const writes = api.writes().slice(writesBefore);
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /repos/acme/peerings/issues/${pr}/comments`,
      `PATCH /repos/acme/peerings/issues/comments/${ours[0]?.id}`,
    ]);
  });

  it('finds its comment beyond the first page, and ignores a marker quoted by someone else', async () => {
    const gh = publisher({ botLogin: 'meshpeer[bot]' });
    api.seedComment('acme/peerings', pr, `${PLAN_MARKER}\ncopied by a human`, 'mallory');
    for (const text of ['a', 'b', 'c']) api.seedComment('acme/peerings', pr, text, 'alice');
    expect(await gh.upsertPlanComment(pr, 'first')).toBe('created');
    for (const text of ['d', 'e', 'f']) api.seedComment('acme/peerings', pr, text, 'alice');
    expect(await gh.upsertPlanComment(pr, 'second')).toBe('updated');
    const comments = api.comments('acme/peerings', pr);
    expect(comments.filter((c) => c.body.startsWith(PLAN_MARKER))).toHaveLength(2);
    expect(comments.find((c) => c.author === 'mallory')?.body).toBe(`${PLAN_MARKER}\ncopied by a human`);
  });

  it('posts commit statuses in order with descriptions cut to 140 characters', async () => {
    const gh = publisher();
    await gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'planning' });
    await gh.setStatus(SHA, {
      context: 'meshpeer/plan',
      state: 'failure',
      description: `peerings.yaml:3:7: ${'unknown cluster '.repeat(20)}`,
      targetUrl: 'https://meshpeer.example/runs/1',
    });
    await gh.setStatus(SHA, {
      context: 'meshpeer/apply',
      state: 'success',
      description: '2 peerings active',
    });
    const seen = api.statuses({ repo: 'acme/peerings', sha: SHA });
    expect(seen.map((s) => `${s.context}=${s.state}`)).toEqual([
      'meshpeer/plan=pending',
      'meshpeer/plan=failure',
      'meshpeer/apply=success',
    ]);
    expect(seen[1]?.description).toHaveLength(140);
    expect(seen[1]?.description?.startsWith('peerings.yaml:3:7: unknown cluster')).toBe(true);
    expect(seen[1]?.targetUrl).toBe('https://meshpeer.example/runs/1');
  });

  it('never posts a secret, and maps failures to typed errors without the token', async () => {
    const gh = publisher();
    await gh.upsertPlanComment(pr, `token: "${TOKEN}"`);
    expect(JSON.stringify(api.comments('acme/peerings', pr))).not.toContain(TOKEN);

    const wrong = publisher({ token: 'ghp_wrongToken0123456789abcdef' });
    const err = await wrong.upsertPlanComment(pr, 'x').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ScmError', code: 'auth_failed', status: 401 });
    expect(String((err as Error).message)).not.toContain('ghp_');

    api.failNext(502);
    await expect(
      gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'error', description: 'x' }),
    ).rejects.toMatchObject({
      code: 'server_error',
    });
    const unreachable = createGithubPublisher({
      token: TOKEN,
      repo: 'a/b',
      baseUrl: `http://127.0.0.1:${await freePort()}`,
    });
    await expect(unreachable.upsertPlanComment(1, 'x')).rejects.toMatchObject({ code: 'network' });
  });

  it('honours a GitHub Enterprise Server base url', async () => {
    const ghes = publisher({ baseUrl: `${api.url}/api/v3` });
    await ghes.setStatus(SHA, { context: 'meshpeer/apply', state: 'pending', description: 'applying' });
    expect(api.requests.at(-1)?.path).toBe(`/api/v3/repos/acme/peerings/statuses/${SHA}`);
  });
});
