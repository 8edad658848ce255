import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedCheckRun } from '../../src/gitops/plan-check-run.ts';
import { planPullRequest } from '../../src/gitops/plan-pull-request.ts';
import type { Plan } from '../../src/plan/index.ts';
import { createGithubPublisher } from '../../src/scm/github-publisher.ts';
import type { GitSource } from '../../src/source/git-source.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const APP = { appId: '7', privateKey: KEY, installationId: 3 };
const SHA = 'd'.repeat(40);
const INVALID = `apiVersion: meshpeer.dev/v1alpha1
kind: PeeringTopology
metadata:
  name: runbook
clusters:
  - name: cluster-01
  - name: cluster-02
peerings:
  - acceptor: cluster-09
    dialer: cluster-07
`;

/** Only what planning an invalid file touches; no cluster is contacted for one. */
function fileSource(content: string): GitSource {
  const partial: Pick<GitSource, 'fetchRevision' | 'readFile'> = {
    fetchRevision: async () => {},
    readFile: async () => content,
  };
  return partial as GitSource;
}

describe('the meshpeer/plan check run', () => {
  let api: ScmStandIn;
  beforeAll(async () => {
    api = await startScmStandIn({ githubApp: APP });
  });
  afterAll(() => api.stop());

  it('annotates every validation error of an invalid file on its line, beside the comment and status', async () => {
    const publisher = createGithubPublisher({ app: APP, repo: 'acme/mesh', baseUrl: api.url });
    const outcome = await planPullRequest(
      {
        kind: 'plan-pr',
        provider: 'github',
        repo: 'acme/mesh',
        number: 4,
        headSha: SHA,
        headRef: 'feature',
        baseRef: 'main',
        deliveryId: 'd-1',
      },
      {
        source: fileSource(INVALID),
        path: 'mesh/peerings.yaml',
        publisher,
        clients: () => () => {
          throw new Error('an invalid file must not reach a cluster');
        },
        targetUrl: 'https://meshpeer.example/status',
      },
    );
    expect(outcome.result).toBe('invalid');
    expect(api.comments('acme/mesh', 4)).toHaveLength(1);
    expect(api.statuses({ sha: SHA }).map((s) => s.state)).toEqual(['pending', 'failure']);
    const [run] = api.checkRuns('acme/mesh');
    expect(run).toMatchObject({ headSha: SHA, name: 'meshpeer/plan', conclusion: 'failure' });
    expect(run?.annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ['mesh/peerings.yaml', 9, 'failure'],
      ['mesh/peerings.yaml', 10, 'failure'],
    ]);
    expect(String(run?.annotations[1]?.message)).toContain('cluster-07');
  });

  it('fails on failed preconditions, annotated on line 1 since they carry no position', () => {
    const plan = {
      errors: [
        {
          id: 'helm/cluster-01',
          code: 'helm_values',
          cluster: 'cluster-01',
          message: 'peering disabled',
          fix: 'set global.peering.enabled=true',
        },
      ],
      summary: { add: 1, change: 0, destroy: 0, verify: 0, blocked: 1 },
      converged: false,
    } as unknown as Plan;
    const check = plannedCheckRun('peerings.yaml', plan);
    expect(check.conclusion).toBe('failure');
    expect(check.annotations).toEqual([
      expect.objectContaining({
        path: 'peerings.yaml',
        startLine: 1,
        endLine: 1,
        title: 'failed precondition helm/cluster-01',
      }),
    ]);
    expect(check.annotations[0]?.message).toContain('set global.peering.enabled=true');
  });
});
