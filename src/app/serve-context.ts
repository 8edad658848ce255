/**
 * What every part of a `meshpeer serve` process shares, built once: the tracked repository, Git
 * sources, queues and Redis stores, the SCM publisher, metrics, health, status and notifier.
 */
import type { Queue } from 'bullmq';
import { createGitSources, type GitSources } from '../gitops/git-source-loader.ts';
import { HealthStore } from '../gitops/health-store.ts';
import { openPlansQueue } from '../gitops/plan-queue.ts';
import { ReconcileState } from '../gitops/reconcile-state.ts';
import { RevisionStore } from '../gitops/revision-store.ts';
import type { SyncDeps } from '../gitops/sync-request.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
import type { LogEvent, ServiceLogger } from '../io/service-logger.ts';
import type { KubeconfigOverrides } from '../kube/kube-config.ts';
import { createNotifier, type Notifier } from '../notify/index.ts';
import { openQueues, type Queues } from '../run/queues.ts';
import { RedisRunStore } from '../run/redis-run-store.ts';
import { githubInstallationToken } from '../scm/github-app-auth.ts';
import { createGithubPublisher } from '../scm/github-publisher.ts';
import { createGitlabPublisher } from '../scm/gitlab-publisher.ts';
import type { ScmPublisher } from '../scm/scm-publisher.ts';
import { createMetrics, type Metrics } from '../server/metrics.ts';
import type { GitSourceAuth } from '../source/git-source.ts';
import type { ServeConfig } from './serve-config.ts';
import { createServeStatus, type ServeStatus } from './serve-status.ts';

/** The tracked repository of a configuration. */
export function trackedRepo(config: ServeConfig): TrackedRepo {
  const { target, repoUrl: url, branch, path, provider, repo } = config;
  return { target, url, branch, path, provider, repo };
}

function publisherFor(config: ServeConfig): ScmPublisher | undefined {
  if (config.githubApp !== undefined)
    return createGithubPublisher({ app: config.githubApp, repo: config.repo, baseUrl: config.scmApiUrl });
  if (config.token === undefined) return undefined;
  if (config.provider === 'gitlab')
    return createGitlabPublisher({ token: config.token, project: config.repo, baseUrl: config.scmApiUrl });
  return createGithubPublisher({ token: config.token, repo: config.repo, baseUrl: config.scmApiUrl });
}

/** Git credentials: a fresh installation token per request for a GitHub App, else the token. */
function gitAuth(config: ServeConfig): GitSourceAuth | undefined {
  if (config.githubApp !== undefined)
    return { token: githubInstallationToken(config.githubApp, config.scmApiUrl), username: 'x-access-token' };
  return config.token === undefined ? undefined : { token: config.token, username: config.gitUsername };
}

/** The shared parts every piece of a serve process uses. */
export interface ServeContext {
  readonly config: ServeConfig;
  readonly log: (line: string) => void;
  /** Structured lines: `run.start`/`run.end` (in-process workers), `run.end` (no workers), `plan.pr`, `webhook`. */
  readonly event: LogEvent;
  readonly repo: TrackedRepo;
  readonly overrides: KubeconfigOverrides;
  readonly sources: GitSources;
  readonly queues: Queues;
  readonly revisions: RevisionStore;
  readonly store: RedisRunStore;
  readonly sync: SyncDeps;
  readonly plans: Queue;
  readonly publisher: ScmPublisher | undefined;
  readonly metrics: Metrics;
  readonly health: HealthStore;
  readonly reconcile: ReconcileState;
  readonly status: ServeStatus;
  readonly notifier: Notifier | undefined;
}

export async function openContext(config: ServeConfig, logger: ServiceLogger): Promise<ServeContext> {
  const log = logger.info;
  const repo = trackedRepo(config);
  const prefix = config.queuePrefix;
  const auth = gitAuth(config);
  const sources = createGitSources({
    repos: [repo],
    cacheDir: config.cacheDir,
    ...(auth !== undefined && { auth }),
  });
  const queues = await openQueues(config.redisUrl, prefix);
  const revisions = new RevisionStore(queues.redis, prefix);
  const store = new RedisRunStore(queues.redis, prefix);
  const publisher = publisherFor(config);
  if (publisher === undefined) log('no token configured: pull-request comments and commit statuses are off');
  const health = new HealthStore(queues.redis, prefix);
  const reconcile = new ReconcileState(queues.redis, prefix);
  const status = createServeStatus({
    repo,
    redis: queues.redis,
    sources,
    revisions,
    store,
    health,
    reconcile,
    settings: { intervalMs: config.reconcileIntervalMs, selfHeal: config.selfHeal },
  });
  return {
    config,
    log,
    event: logger.event,
    repo,
    overrides: {
      ...(config.kubeconfig !== undefined && { kubeconfig: config.kubeconfig }),
      contexts: config.contexts,
    },
    sources,
    queues,
    revisions,
    store,
    sync: { redis: queues.redis, runs: queues.runs, revisions, strict: config.strict === true },
    plans: openPlansQueue(config.redisUrl, prefix),
    publisher,
    metrics: createMetrics(() => health.get(repo.target)),
    health,
    reconcile,
    status,
    notifier:
      config.notifySinks === undefined
        ? undefined
        : createNotifier({
            redis: queues.redis,
            prefix,
            sinks: config.notifySinks,
            log,
            ...(config.publicUrl !== undefined && { publicUrl: config.publicUrl }),
          }),
  };
}
