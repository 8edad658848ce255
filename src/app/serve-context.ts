/**
 * What every part of a `meshpeer serve` process shares, built once: the targets and their SCM
 * publishers, Git sources, queues and Redis stores, metrics, health, status and notifier.
 */
import { createGitSources, type GitSources } from '../gitops/git-source-loader.ts';
import { HealthStore } from '../gitops/health-store.ts';
import { openPlansQueue, type PlansQueue } from '../gitops/plan-queue.ts';
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
import { kubeClusterAccess } from './cluster-access.ts';
import type { ServeConfig } from './serve-config.ts';
import { createServeStatus, type ServeStatus } from './serve-status.ts';

/** One followed target and its publisher (none without a token or App). */
export interface TargetContext {
  readonly repo: TrackedRepo;
  readonly publisher: ScmPublisher | undefined;
}

/**
 * The publisher of one target. A repository followed by several targets gets one per target, each
 * with its own comment, status contexts and check run (`meshpeer/plan: staging`), like Atlantis.
 */
function publisherFor(config: ServeConfig, repo: TrackedRepo): ScmPublisher | undefined {
  // Compared as webhooks match repositories: case-insensitively.
  const shared = config.targets.filter((t) => t.repo.toLowerCase() === repo.repo.toLowerCase()).length > 1;
  const scope = shared ? { scope: repo.target } : {};
  const base = { baseUrl: config.scmApiUrl, ...scope };
  if (config.githubApp !== undefined)
    return createGithubPublisher({ app: config.githubApp, repo: repo.repo, ...base });
  if (config.token === undefined) return undefined;
  if (config.provider === 'gitlab')
    return createGitlabPublisher({ token: config.token, project: repo.repo, ...base });
  return createGithubPublisher({ token: config.token, repo: repo.repo, ...base });
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
  /** Every followed target, in configuration order. */
  readonly targets: readonly TargetContext[];
  /** The target of a name, if this process follows it. */
  target(name: string): TargetContext | undefined;
  readonly overrides: KubeconfigOverrides;
  readonly sources: GitSources;
  readonly queues: Queues;
  readonly revisions: RevisionStore;
  readonly store: RedisRunStore;
  readonly sync: SyncDeps;
  readonly plans: PlansQueue;
  readonly metrics: Metrics;
  readonly health: HealthStore;
  readonly reconcile: ReconcileState;
  readonly status: ServeStatus;
  readonly notifier: Notifier | undefined;
}

/** Opens the shared parts: Git sources for every target, queues, stores, publishers, metrics. */
export async function openContext(config: ServeConfig, logger: ServiceLogger): Promise<ServeContext> {
  const log = logger.info;
  const prefix = config.queuePrefix;
  const auth = gitAuth(config);
  const sources = createGitSources({
    repos: config.targets,
    cacheDir: config.cacheDir,
    ...(auth !== undefined && { auth }),
  });
  const queues = await openQueues(config.redisUrl, prefix);
  const revisions = new RevisionStore(queues.redis, prefix);
  const store = new RedisRunStore(queues.redis, prefix);
  const targets = config.targets.map((repo) => ({ repo, publisher: publisherFor(config, repo) }));
  if (targets.some((t) => t.publisher === undefined))
    log('no token configured: pull-request comments and commit statuses are off');
  const byName = new Map(targets.map((t) => [t.repo.target, t]));
  const health = new HealthStore(queues.redis, prefix);
  const reconcile = new ReconcileState(queues.redis, prefix);
  const status = createServeStatus({
    targets: config.targets,
    redis: queues.redis,
    sources,
    revisions,
    store,
    health,
    reconcile,
    settings: { intervalMs: config.reconcileIntervalMs, selfHeal: config.selfHeal },
  });
  const peerings = async () =>
    (
      await Promise.all(
        config.targets.map(async ({ target }) => (await health.get(target)).map((h) => ({ ...h, target }))),
      )
    ).flat();
  return {
    config,
    log,
    event: logger.event,
    targets,
    target: (name) => byName.get(name),
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
    metrics: createMetrics({ targets: config.targets.map((t) => t.target), peerings }),
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

/** Kubernetes access with serve's observation deadline. */
export function observeAccess(ctx: ServeContext) {
  return kubeClusterAccess({ overrides: ctx.overrides, timeoutMs: ctx.config.observeTimeoutMs });
}

/** The targets an event is for: the same repository (case-insensitively, as webhooks match) and branch. */
export function targetsOf(ctx: ServeContext, repo: string, branch: string): TargetContext[] {
  return ctx.targets.filter(
    (t) => t.repo.repo.toLowerCase() === repo.toLowerCase() && t.repo.branch === branch,
  );
}

/** Closes what openContext opened: the notifier, the plans queue, the queues and their Redis client. */
export async function closeContext(ctx: ServeContext): Promise<void> {
  await ctx.notifier?.close();
  await ctx.plans.close();
  await ctx.queues.close();
}
