/**
 * The world of the end-to-end tests of `meshpeer serve`: a two-cluster sandbox from the runbook
 * example (with short controller and heartbeat timers), a real Git repository behind
 * `git http-backend` with token auth, the recording SCM stand-in, and signed webhook senders.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../../sandbox/src/sandbox-config.ts';
import type { ServeTuning } from '../../src/app/serve-app.ts';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import type { TrackedRepo } from '../../src/gitops/tracked-repo.ts';
import type { RetryPolicy } from '../../src/run/retry-policy.ts';
import { parseTopology } from '../../src/topology/index.ts';
import { createFixtureRepo, type FixtureRepo } from '../source/git-fixtures.ts';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

/** The runbook's clusters with no peering yet: what main holds before the pull request. */
export const BASE = `apiVersion: meshpeer.dev/v1alpha1
kind: PeeringTopology
metadata:
  name: runbook
clusters:
  - name: cluster-01
  - name: cluster-02
`;

/** The pull request's first commit: the peering. */
export const WITH_PEERING = `${BASE}peerings:
  - acceptor: cluster-01
    dialer: cluster-02
`;

/** The pull request's second commit: the whole runbook example (peering and export). */
export const RUNBOOK = `${WITH_PEERING}exports:
  - cluster: cluster-02
    services:
      - name: static-server
        consumers:
          - peer: cluster-01
`;

/** An invalid file: the dialer names a cluster that does not exist. */
export const INVALID = WITH_PEERING.replace('dialer: cluster-02', 'dialer: cluster-07');

/** Short retries: the sandbox answers in milliseconds. */
export const FAST_POLICY: RetryPolicy = { attempts: 10, backoffMs: 50, stepDeadlineMs: 30_000 };

/** Serve's tuning in end-to-end tests: fast retries, 5 s job locks, polls without jitter. */
export const E2E_TUNING: ServeTuning = { policy: FAST_POLICY, lockDurationMs: 5000, pollJitterMs: 0 };

/** Everything an end-to-end test talks to. */
export interface E2eWorld {
  readonly sandbox: Sandbox;
  readonly kubeconfig: string;
  readonly repo: FixtureRepo;
  readonly git: GitHttpServer;
  readonly api: ScmStandIn;
  readonly dir: string;
  /** Write requests made to every cluster's Kubernetes API so far. */
  writes(): number;
  stop(): Promise<void>;
}

/** Starts a sandbox matching `sandboxFor` (default: the runbook), a Git server and the SCM stand-in. */
export async function startWorld(options: {
  token: string;
  provider: 'github' | 'gitlab';
  initial?: string;
  sandboxFor?: string;
}): Promise<E2eWorld> {
  const parsed = parseTopology(options.sandboxFor ?? RUNBOOK, 'peerings.yaml');
  if (!parsed.ok) throw new Error('the e2e topology must be valid');
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-e2e-'));
  const base = sandboxConfigFromTopology(parsed.topology);
  const sandbox = await Sandbox.start({
    config: { ...base, consul: { ...base.consul, heartbeatIntervalMs: 200 } },
    dir,
    persist: false,
  });
  const repo = createFixtureRepo('mesh');
  repo.commitAndPush({ 'peerings.yaml': options.initial ?? BASE });
  const git = await startGitHttpServer({ projectRoot: repo.root, auth: { password: options.token } });
  const api = await startScmStandIn(
    options.provider === 'github' ? { githubToken: options.token } : { gitlabToken: options.token },
  );
  return {
    sandbox,
    kubeconfig: join(dir, 'kubeconfig'),
    repo,
    git,
    api,
    dir,
    writes: () => sandbox.clusters.reduce((n, c) => n + c.requests.writes(), 0),
    async stop() {
      await Promise.allSettled([sandbox.stop(), git.stop(), api.stop()]);
      repo.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A serve configuration for the world, on a private queue prefix and a free port. */
export function worldConfig(
  world: E2eWorld,
  o: { redisUrl: string; token: string; secret: string; provider: 'github' | 'gitlab'; repo: string },
): ServeConfig {
  return {
    targets: [
      {
        target: `${o.repo}@main`,
        url: world.git.repoUrl('mesh'),
        branch: 'main',
        path: 'peerings.yaml',
        provider: o.provider,
        repo: o.repo,
      },
    ],
    provider: o.provider,
    token: o.token,
    gitUsername: o.provider === 'gitlab' ? 'oauth2' : 'x-access-token',
    webhookSecrets: [o.secret],
    scmApiUrl: world.api.url,
    pollIntervalMs: 3_600_000,
    redisUrl: o.redisUrl,
    queuePrefix: `e2e-${o.provider}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    kubeconfig: world.kubeconfig,
    contexts: {},
    host: '127.0.0.1',
    port: 0,
    workers: true,
    stepConcurrency: 16,
    publicUrl: 'http://meshpeer.example/status',
    cacheDir: join(world.dir, 'git-cache'),
    observeTimeoutMs: 10_000,
    // Off unless a test turns it on: a check must not race the runs a test asserts on.
    reconcileIntervalMs: 0,
    selfHeal: true,
    uiAuth: { mode: 'none', explicit: false },
    retry: { limit: 0, baseMs: 1000, maxMs: 10_000 },
  };
}

/** The one target of a single-target configuration or serve. */
export function targetOf(holder: { readonly targets: readonly TrackedRepo[] }): TrackedRepo {
  const [target] = holder.targets;
  if (target === undefined) throw new Error('no target configured');
  return target;
}

/** Polls `probe` every 50 ms until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Posts a GitHub delivery to `serveUrl`, signed with `secret`. */
export function githubDelivery(
  serveUrl: string,
  event: string,
  payload: unknown,
  secret: string,
  deliveryId: string,
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${serveUrl}/webhooks/github`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  });
}

/** Posts a GitLab delivery to `serveUrl` with the secret token. */
export function gitlabDelivery(
  serveUrl: string,
  event: string,
  payload: unknown,
  token: string,
  uuid: string,
): Promise<Response> {
  return fetch(`${serveUrl}/webhooks/gitlab`, {
    method: 'POST',
    body: JSON.stringify(payload),
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': event,
      'x-gitlab-token': token,
      'x-gitlab-event-uuid': uuid,
    },
  });
}

/** A GitHub push payload for `sha` on main. */
export const githubPush = (repo: string, sha: string) => ({
  ref: 'refs/heads/main',
  before: `${'0'.repeat(39)}1`,
  after: sha,
  repository: { full_name: repo },
});

/** A GitHub pull_request payload. */
export const githubPullRequest = (repo: string, number: number, action: string, sha: string) => ({
  action,
  number,
  pull_request: { head: { sha, ref: `feature-${number}` }, base: { ref: 'main' }, merged: false },
  repository: { full_name: repo },
});
