/**
 * What the serve process reports about itself: the status snapshot of one target (every target's
 * branch and revisions, the target's last runs, live peering health, the topology at the applied
 * commit, the periodic check) and readiness (Redis and the Git server of every target). The Git
 * check lists refs only and is cached, so probes do not load the servers; a topology is parsed once.
 */

import { desiredTopologyAt } from '../gitops/desired-topology.ts';
import type { GitSources } from '../gitops/git-source-loader.ts';
import type { HealthStore } from '../gitops/health-store.ts';
import type { ReconcileState } from '../gitops/reconcile-state.ts';
import type { RevisionStore } from '../gitops/revision-store.ts';
import { runSummary, type StatusSnapshot, type TrackedStatus } from '../gitops/status-snapshot.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
import type { RedisClient } from '../io/redis-endpoint.ts';
import type { RedisRunStore } from '../run/redis-run-store.ts';
import { checkReadiness, type ReadinessReport } from '../server/readiness.ts';
import { topologyGraph } from '../server/topology-graph.ts';
import type { Topology } from '../topology/index.ts';

/** What the status functions read. */
export interface ServeStatusDeps {
  /** Every followed target; the first is the one a snapshot shows when none is named. */
  readonly targets: readonly TrackedRepo[];
  readonly redis: RedisClient;
  readonly sources: GitSources;
  readonly revisions: RevisionStore;
  readonly store: RedisRunStore;
  readonly health: HealthStore;
  readonly reconcile: ReconcileState;
  readonly settings: { readonly intervalMs: number; readonly selfHeal: boolean };
  /** How long a successful Git reachability check is trusted. */
  readonly gitCheckTtlMs?: number;
}

/** The status and readiness functions of one serve process. */
export interface ServeStatus {
  /** The snapshot of the named target (default: the first); undefined for a target not followed here. */
  snapshot(target?: string): Promise<StatusSnapshot | undefined>;
  readiness(): Promise<ReadinessReport>;
  /** The desired topology of a target at a revision, or undefined when unreadable or invalid. */
  topologyAt(repo: TrackedRepo, revision: string): Promise<Topology | undefined>;
}

/** A target as the snapshot lists it, with its revisions. */
async function trackedStatus(deps: ServeStatusDeps, repo: TrackedRepo): Promise<TrackedStatus> {
  const { target, provider, url, branch, path } = repo;
  return {
    target,
    provider,
    repo: repo.repo,
    url,
    branch,
    path,
    revisions: await deps.revisions.get(target),
  };
}

/** Creates the status functions, with small caches for the topology and the Git check. */
export function createServeStatus(deps: ServeStatusDeps): ServeStatus {
  const topologies = new Map<string, Topology | undefined>();
  const gitOkUntil = new Map<string, number>();
  const cacheSize = 4 * deps.targets.length;

  const topologyAt = async (repo: TrackedRepo, revision: string): Promise<Topology | undefined> => {
    const key = `${repo.target}@${revision}`;
    if (topologies.has(key)) return topologies.get(key);
    const desired = await desiredTopologyAt(deps.sources, repo, revision);
    // A commit that could not be read is not cached: the next request tries again.
    if ('error' in desired && !desired.invalid) return undefined;
    const topology = 'topology' in desired ? desired.topology : undefined;
    if (topologies.size >= cacheSize) topologies.delete(topologies.keys().next().value as string);
    topologies.set(key, topology);
    return topology;
  };
  const gitReachable = async (repo: TrackedRepo): Promise<void> => {
    const source = `${repo.url}#${repo.branch}`;
    if (Date.now() < (gitOkUntil.get(source) ?? 0)) return;
    await deps.sources.source(repo.url, repo.branch).headRevision();
    gitOkUntil.set(source, Date.now() + (deps.gitCheckTtlMs ?? 30_000));
  };

  return {
    topologyAt,
    async snapshot(name) {
      const repo = name === undefined ? deps.targets[0] : deps.targets.find((t) => t.target === name);
      if (repo === undefined) return undefined;
      const [runs, tracked, peerings, reconcile] = await Promise.all([
        deps.store.list(20, repo.target),
        Promise.all(deps.targets.map((t) => trackedStatus(deps, t))),
        deps.health.get(repo.target),
        deps.reconcile.status(repo.target, deps.settings),
      ]);
      const revisions = tracked.find((t) => t.target === repo.target)?.revisions ?? {};
      const revision = revisions.applied ?? revisions.seen;
      const topology = revision === undefined ? undefined : await topologyAt(repo, revision);
      return {
        generatedAt: new Date().toISOString(),
        target: repo.target,
        tracked,
        runs: runs.map(runSummary),
        peerings,
        ...(topology !== undefined &&
          revision !== undefined && { topology: topologyGraph(topology, revision) }),
        reconcile,
      };
    },
    readiness: async () => {
      // One target's Git server being away must not take serve out of its Service: webhooks and
      // runs of the other targets still work. Ready while Redis answers and any target's Git does.
      const gitName = (t: TrackedRepo) => (deps.targets.length === 1 ? 'git' : `git:${t.target}`);
      const report = await checkReadiness({
        redis: () => deps.redis.ping(),
        ...Object.fromEntries(deps.targets.map((t) => [gitName(t), () => gitReachable(t)])),
      });
      const git = deps.targets.map((t) => report.checks[gitName(t)]?.ok === true);
      return { ...report, ready: report.checks.redis?.ok === true && git.some(Boolean) };
    },
  };
}
