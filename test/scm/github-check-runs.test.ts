import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubPublisher } from '../../src/scm/github-publisher.ts';
import type { CheckAnnotation } from '../../src/scm/scm-publisher.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const APP = { appId: '99', privateKey: KEY, installationId: 5 };
const TOKEN = 'ghp_checkRunsToken0123456789abcdef';
const SHA = 'c'.repeat(40);

const annotation = (line: number): CheckAnnotation => ({
  path: 'peerings.yaml',
  startLine: line,
  endLine: line,
  title: 'unknown_cluster',
  message: `cluster-${line} is not declared`,
});

describe('check runs through the GitHub publisher', () => {
  let api: ScmStandIn;
  beforeAll(async () => {
    api = await startScmStandIn({ githubApp: APP, githubToken: TOKEN });
  });
  afterAll(() => api.stop());

  it('creates a completed check run and sends 120 annotations in batches of 50', async () => {
    const gh = createGithubPublisher({ app: APP, repo: 'acme/peerings', baseUrl: api.url });
    const annotations = Array.from({ length: 120 }, (_, i) => annotation(i + 1));
    await gh.publishCheckRun?.(SHA, {
      name: 'meshpeer/plan',
      conclusion: 'failure',
      title: 'peerings.yaml is invalid: 120 errors',
      summary: 'fix these',
      annotations,
    });
    const [run, ...others] = api.checkRuns('acme/peerings');
    expect(others).toEqual([]);
    expect(run).toMatchObject({
      headSha: SHA,
      name: 'meshpeer/plan',
      status: 'completed',
      conclusion: 'failure',
    });
    expect(run?.requests).toBe(3);
    expect(run?.annotations).toHaveLength(120);
    expect(run?.annotations[119]).toEqual({
      path: 'peerings.yaml',
      start_line: 120,
      end_line: 120,
      annotation_level: 'failure',
      title: 'unknown_cluster',
      message: 'cluster-120 is not declared',
    });
    const writes = api.writes().filter((w) => w.path.includes('check-runs'));
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/acme/peerings/check-runs',
      `PATCH /repos/acme/peerings/check-runs/${run?.id}`,
      `PATCH /repos/acme/peerings/check-runs/${run?.id}`,
    ]);
  });

  it('updates its run when the same head is planned again', async () => {
    const gh = createGithubPublisher({ app: APP, repo: 'acme/other', baseUrl: api.url });
    const base = { name: 'meshpeer/plan', title: 't', summary: 's', annotations: [] } as const;
    await gh.publishCheckRun?.(SHA, { ...base, conclusion: 'neutral' });
    await gh.publishCheckRun?.(SHA, { ...base, conclusion: 'success' });
    const runs = api.checkRuns('acme/other');
    expect(runs.map((r) => r.conclusion)).toEqual(['success']);
  });

  it('names the missing Checks permission when the App lacks it', async () => {
    const bare = await startScmStandIn({ githubApp: { ...APP, checks: 'none' } });
    try {
      const gh = createGithubPublisher({ app: APP, repo: 'acme/peerings', baseUrl: bare.url });
      const check = {
        name: 'meshpeer/plan',
        conclusion: 'success',
        title: 't',
        summary: 's',
        annotations: [],
      } as const;
      await expect(gh.publishCheckRun?.(SHA, check)).rejects.toThrow(
        /^create check run meshpeer\/plan on c{12} failed \(http 403\): the GitHub App needs the "Checks: read and write" permission/,
      );
      expect(bare.checkRuns('acme/peerings')).toEqual([]);
    } finally {
      await bare.stop();
    }
  });

  it('offers no check runs when authenticated with a token, which GitHub refuses for them', async () => {
    const refused = await fetch(`${api.url}/repos/acme/peerings/check-runs`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'meshpeer/plan', head_sha: SHA }),
    });
    expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([
      403,
      'You must authenticate via a GitHub App.',
    ]);
    const gh = createGithubPublisher({ token: TOKEN, repo: 'acme/peerings', baseUrl: api.url });
    expect(gh.publishCheckRun).toBeUndefined();
  });
});
