/**
 * What the serve process reports about itself: the status snapshot (tracked branch, revisions,
 * last runs, live peering health, the topology at the applied commit, the periodic check) and
 * readiness (Redis and the Git server). The Git check lists refs only and is cached, so probes do
 * not load the server; the topology of a revision is parsed once.
 */
import type { Redis } from 'ioredis';
import { desiredTopologyAt } from '../gitops/desired-topology.ts';
import type { GitSources } from '../gitops/git-source-loader.ts';
import type { HealthStore } from '../gitops/health-store.ts';
import type { ReconcileState } from '../gitops/reconcile-state.ts';
import type { RevisionStore } from '../gitops/revision-store.ts';
import { runSummary, type StatusSnapshot } from '../gitops/status-snapshot.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
import type { RedisRunStore } from '../run/redis-run-store.ts';
import { checkReadiness, type ReadinessReport } from '../server/readiness.ts';
import { topologyGraph } from '../server/topology-graph.ts';
import type { Topology } from '../topology/index.ts';

/** What the status functions read. */
export interface ServeStatusDeps {
  readonly repo: TrackedRepo;
  readonly redis: Redis;
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
  snapshot(): Promise<StatusSnapshot>;
  readiness(): Promise<ReadinessReport>;
  /** The desired topology at a revision of the tracked branch, or undefined when unreadable or invalid. */
  topologyAt(revision: string): Promise<Topology | undefined>;
}

/** Creates the status functions, with small caches for the topology and the Git check. */
export function createServeStatus(deps: ServeStatusDeps): ServeStatus {
  const topologies = new Map<string, Topology | undefined>();
  let gitOkUntil = 0;

  const topologyAt = async (revision: string): Promise<Topology | undefined> => {
    if (topologies.has(revision)) return topologies.get(revision);
    const desired = await desiredTopologyAt(deps.sources, deps.repo, revision);
    // A commit that could not be read is not cached: the next request tries again.
    if ('error' in desired && !desired.invalid) return undefined;
    const topology = 'topology' in desired ? desired.topology : undefined;
    if (topologies.size >= 4) topologies.delete(topologies.keys().next().value as string);
    topologies.set(revision, topology);
    return topology;
  };

  return {
    topologyAt,
    async snapshot() {
      const { repo } = deps;
      const [runs, revisions, peerings, reconcile] = await Promise.all([
        deps.store.list(20),
        deps.revisions.get(repo.target),
        deps.health.get(repo.target),
        deps.reconcile.status(repo.target, deps.settings),
      ]);
      const revision = revisions.applied ?? revisions.seen;
      const topology = revision === undefined ? undefined : await topologyAt(revision);
      return {
        generatedAt: new Date().toISOString(),
        tracked: [
          {
            target: repo.target,
            provider: repo.provider,
            repo: repo.repo,
            url: repo.url,
            branch: repo.branch,
            path: repo.path,
            revisions,
          },
        ],
        runs: runs.map(runSummary),
        peerings,
        ...(topology !== undefined &&
          revision !== undefined && { topology: topologyGraph(topology, revision) }),
        reconcile,
      };
    },
    readiness: () =>
      checkReadiness({
        redis: () => deps.redis.ping(),
        git: async () => {
          if (Date.now() < gitOkUntil) return;
          await deps.sources.source(deps.repo.url, deps.repo.branch).headRevision();
          gitOkUntil = Date.now() + (deps.gitCheckTtlMs ?? 30_000);
        },
      }),
  };
}
