/** The JSON of `GET /api/status`: what is tracked, which revisions were seen and applied, recent runs, peering health. */

import type { ActiveStep, RunRecord, RunStatus, RunTrigger } from '../run/run-record.ts';
import type { PeeringHealth } from './peering-health.ts';
import type { TargetRevisions } from './revision-store.ts';

/** The topology at the applied revision, as the status page draws it. */
export interface TopologyGraph {
  readonly name: string;
  readonly revision: string;
  /** Datacenters, as peerings.yaml names its clusters. */
  readonly clusters: readonly string[];
  /** Every Consul install: the cluster's own, and one per admin partition. */
  readonly installs: ReadonlyArray<{
    /** `cluster`, or `cluster/partition`. */
    readonly name: string;
    readonly cluster: string;
    readonly partition: string;
    readonly context: string;
  }>;
  /** `acceptor` and `dialer` are install names. */
  readonly peerings: ReadonlyArray<{
    readonly id: string;
    readonly acceptor: string;
    readonly dialer: string;
  }>;
  /** One row per exported service: `consumers` as `peer:NAME`, `partition:NAME` or `samenessGroup:NAME`. */
  readonly exports: ReadonlyArray<{
    readonly install: string;
    readonly service: string;
    readonly namespace?: string;
    readonly consumers: readonly string[];
  }>;
}

/** The periodic check (re-observe, re-verify, self-heal) and failed-run retries. */
export interface ReconcileStatus {
  /** How often the clusters are checked against the applied revision; 0 when off. */
  readonly intervalMs: number;
  /** Whether drift starts a run (`drift` trigger) or is only reported. */
  readonly selfHeal: boolean;
  readonly lastCheck?: {
    readonly at: string;
    readonly result: 'in-sync' | 'drift' | 'error';
    /** What drifted (or why the check failed), one line each. */
    readonly reasons: readonly string[];
  };
  readonly nextCheckAt?: string;
  /** A failed run waiting to be tried again. */
  readonly retry?: { readonly of: string; readonly attempt: number; readonly at: string };
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
  /** Step counts by status. */
  readonly steps: Readonly<Record<string, number>>;
  /** While running: the steps in flight and what they wait on. */
  readonly active?: readonly ActiveStep[];
}

/** Everything `/api/status` and the status page show: every target's revisions, the rest of one target. */
export interface StatusSnapshot {
  readonly generatedAt: string;
  /** The target the runs, peerings, topology and check below belong to (`?target=`, default the first). */
  readonly target: string;
  readonly tracked: readonly TrackedStatus[];
  /** The target's newest runs. */
  readonly runs: readonly RunSummary[];
  /** Live health: the latest observation of each peering of the target's applied topology. */
  readonly peerings: readonly PeeringHealth[];
  readonly topology?: TopologyGraph;
  readonly reconcile: ReconcileStatus;
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
    ...(record.status === 'running' && record.active !== undefined && { active: record.active }),
  };
}
