/** The JSON of `GET /api/status`: what is tracked, which revisions were seen and applied, recent runs, peering health. */
import type { PeeringHealth } from '../gitops/peering-health.ts';
import type { TargetRevisions } from '../gitops/revision-store.ts';
import type { RunRecord, RunStatus, RunTrigger } from '../run/run-record.ts';

/** The topology graph shown on the status page. */
export interface TopologyGraph {
  readonly name: string;
  readonly revision: string;
  readonly clusters: readonly string[];
  readonly peerings: ReadonlyArray<{
    readonly id: string;
    readonly acceptor: string;
    readonly dialer: string;
  }>;
}

/** One tracked branch and its revisions. */
export interface TrackedStatus {
  readonly target: string;
  readonly provider: string;
  readonly repo: string;
  readonly url: string;
  readonly branch: string;
  readonly path: string;
  readonly revisions: TargetRevisions;
}

/** A run without its step details. */
export interface RunSummary {
  readonly id: string;
  readonly target: string;
  readonly revision: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly failure?: string;
  readonly steps: Readonly<Record<string, number>>;
}

/** Everything `/api/status` and the status page show. */
export interface StatusSnapshot {
  readonly generatedAt: string;
  readonly tracked: readonly TrackedStatus[];
  readonly runs: readonly RunSummary[];
  readonly peerings: readonly PeeringHealth[];
  readonly topology?: TopologyGraph;
}

/** Summarizes a run record: step counts by status instead of the steps. */
export function runSummary(record: RunRecord): RunSummary {
  const steps: Record<string, number> = {};
  for (const step of record.steps) steps[step.status] = (steps[step.status] ?? 0) + 1;
  return {
    id: record.id,
    target: record.target,
    revision: record.revision,
    trigger: record.trigger,
    status: record.status,
    startedAt: record.startedAt,
    ...(record.finishedAt !== undefined && { finishedAt: record.finishedAt }),
    ...(record.failure !== undefined && { failure: record.failure }),
    steps,
  };
}
