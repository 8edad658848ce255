/**
 * What the serve process reports about itself: the status snapshot (tracked branch, revisions,
 * last runs, peering health, the topology graph at the applied commit) and readiness (Redis and
 * the Git server). The Git check lists refs only and is cached, so probes do not load the server.
 */
import type { Redis } from 'ioredis';
import type { GitSources } from '../gitops/git-source-loader.ts';
import { peeringHealthFromRuns } from '../gitops/peering-health.ts';
import type { RevisionStore } from '../gitops/revision-store.ts';
import type { TrackedRepo } from '../gitops/tracked-repo.ts';
import type { RedisRunStore } from '../run/redis-run-store.ts';
import { checkReadiness, type ReadinessReport } from '../server/readiness.ts';
import { runSummary, type StatusSnapshot, type TopologyGraph } from '../server/status-snapshot.ts';
import { topologyGraph } from '../server/topology-graph.ts';
import { parseTopology } from '../topology/index.ts';

/** What the status functions read. */
export interface ServeStatusDeps {
  readonly repo: TrackedRepo;
  readonly redis: Redis;
  readonly sources: GitSources;
  readonly revisions: RevisionStore;
  readonly store: RedisRunStore;
  /** How long a successful Git reachability check is trusted. */
  readonly gitCheckTtlMs?: number;
}

/** The status and readiness functions of one serve process. */
export interface ServeStatus {
  snapshot(): Promise<StatusSnapshot>;
  readiness(): Promise<ReadinessReport>;
}

/** Creates the status functions, with small caches for the graph and the Git check. */
export function createServeStatus(deps: ServeStatusDeps): ServeStatus {
  const graphs = new Map<string, TopologyGraph | undefined>();
  let gitOkUntil = 0;

  const graphAt = async (revision: string | undefined): Promise<TopologyGraph | undefined> => {
    if (revision === undefined) return undefined;
    if (graphs.has(revision)) return graphs.get(revision);
    const { repo } = deps;
    let graph: TopologyGraph | undefined;
    try {
      const file = await deps.sources.load({
        kind: 'git',
        url: repo.url,
        branch: repo.branch,
        path: repo.path,
        sha: revision,
      });
      const parsed = parseTopology(file.content, file.fileName);
      graph = parsed.ok ? topologyGraph(parsed.topology, revision) : undefined;
    } catch {
      return undefined; // not cached: the next request tries again
    }
    graphs.clear(); // only the newest revision is worth keeping
    graphs.set(revision, graph);
    return graph;
  };

  return {
    async snapshot() {
      const { repo } = deps;
      const [runs, revisions] = await Promise.all([deps.store.list(50), deps.revisions.get(repo.target)]);
      const topology = await graphAt(revisions.applied ?? revisions.seen);
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
        runs: runs.slice(0, 20).map(runSummary),
        peerings: peeringHealthFromRuns(runs),
        reconcile: { intervalMs: 0, selfHeal: false },
        ...(topology !== undefined && { topology }),
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
