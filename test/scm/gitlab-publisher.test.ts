import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGithubPublisher } from '../../src/scm/github-publisher.ts';
import { createGitlabPublisher, type GitlabPublisherOptions } from '../../src/scm/gitlab-publisher.ts';
import { PLAN_MARKER, planMarker } from '../../src/scm/scm-publisher.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

const TOKEN = 'glpat-standInToken0123456789';
const SHA = 'e'.repeat(40);
const PROJECT = 'platform/networking/peerings';

describe('gitlab publisher against the recording stand-in', () => {
  let api: ScmStandIn;
  let iid = 0;
  const publisher = (overrides: Partial<GitlabPublisherOptions> = {}) =>
    createGitlabPublisher({ token: TOKEN, project: PROJECT, baseUrl: api.url, ...overrides });

  beforeAll(async () => {
    api = await startScmStandIn({ gitlabToken: TOKEN, gitlabUsername: 'meshpeer-bot', maxPerPage: 2 });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    iid += 1;
  });

  it('keeps exactly one note per merge request, edited in place, with no write when unchanged', async () => {
    const gl = publisher({ botUsername: 'meshpeer-bot' });
    api.seedNote(PROJECT, iid, 'added 1 commit', 'alice', true);
    api.seedNote(PROJECT, iid, 'looks good', 'alice');
    api.seedNote(PROJECT, iid, `${PLAN_MARKER}\nquoted`, 'mallory');
    const before = api.writes().length;

    expect(await gl.upsertPlanComment(iid, 'plan v1')).toBe('created');
    api.seedNote(PROJECT, iid, 'more chatter', 'alice');
    expect(await gl.upsertPlanComment(iid, 'plan v2')).toBe('updated');
    expect(await gl.upsertPlanComment(iid, 'plan v2')).toBe('unchanged');

    const ours = api.notes(PROJECT, iid).filter((n) => n.author === 'meshpeer-bot');
    expect(ours.map((n) => n.body)).toEqual([`${PLAN_MARKER}\nplan v2`]);
    const encoded = encodeURIComponent(PROJECT);
    expect(
      api
        .writes()
        .slice(before)
        .map((w) => `${w.method} ${w.path}`),
    ).toEqual([
      `POST /api/v4/projects/${encoded}/merge_requests/${iid}/notes`,
      `PUT /api/v4/projects/${encoded}/merge_requests/${iid}/notes/${ours[0]?.id}`,
    ]);
  });

  it('keeps one note and one status name per target when a project has several', async () => {
    const staging = publisher({ scope: 'staging' });
    const production = publisher({ scope: 'production' });
    await staging.upsertPlanComment(iid, 'staging plan');
    await production.upsertPlanComment(iid, 'production plan');
    expect(await staging.upsertPlanComment(iid, 'staging plan, again')).toBe('updated');
    expect(api.notes(PROJECT, iid).map((n) => n.body)).toEqual([
      `${planMarker('staging')}\nstaging plan, again`,
      `${planMarker('production')}\nproduction plan`,
    ]);
    const sha = 'f'.repeat(40);
    await staging.setStatus(sha, { context: 'meshpeer/apply', state: 'success', description: 'applied' });
    expect(api.statuses({ repo: PROJECT, sha }).map((s) => s.context)).toEqual(['meshpeer/apply: staging']);
  });

  it('maps states to gitlab vocabulary, names the status, and tolerates a repeated state', async () => {
    const gl = publisher({ baseUrl: `${api.url}/api/v4/` });
    await gl.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'planning' });
    await gl.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'planning again' });
    await gl.setStatus(SHA, {
      context: 'meshpeer/plan',
      state: 'failure',
      description: 'peerings.yaml:4:3: bad',
    });
    await gl.setStatus(SHA, {
      context: 'meshpeer/apply',
      state: 'success',
      description: 'applied',
      targetUrl: 'https://x/1',
    });
    const seen = api.statuses({ repo: PROJECT, sha: SHA });
    expect(seen.map((s) => `${s.context}=${s.state}`)).toEqual([
      'meshpeer/plan=running',
      'meshpeer/plan=failed',
      'meshpeer/apply=success',
    ]);
    expect(seen[2]?.targetUrl).toBe('https://x/1');
  });

  it('uses a numeric project id, and maps a bad token to auth_failed without leaking it', async () => {
    await publisher({ project: 42 }).upsertPlanComment(iid, 'numeric');
    expect(api.notes('42', iid)).toHaveLength(1);
    const bad = publisher({ token: 'glpat-wrongToken0123456789' });
    const err = await bad
      .setStatus(SHA, { context: 'meshpeer/plan', state: 'success', description: 'x' })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'auth_failed', status: 401 });
    expect((err as Error).message).not.toContain('glpat');
    await publisher().upsertPlanComment(iid, `secret ${TOKEN}`);
    expect(JSON.stringify(api.notes(PROJECT, iid))).not.toContain(TOKEN);
  });
});

describe('publisher timeouts', () => {
  const server = createServer(() => {}); // accepts, never answers
  let url = '';
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  });

  it('gives up after the deadline with a timeout error', async () => {
    const gl = createGitlabPublisher({ token: TOKEN, project: PROJECT, baseUrl: url, timeoutMs: 150 });
    await expect(gl.upsertPlanComment(1, 'x')).rejects.toMatchObject({ code: 'timeout' });
    const gh = createGithubPublisher({ token: TOKEN, repo: 'a/b', baseUrl: url, timeoutMs: 150 });
    await expect(
      gh.setStatus(SHA, { context: 'meshpeer/plan', state: 'pending', description: 'x' }),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});
