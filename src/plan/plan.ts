/** The plan: an ordered DAG of steps, the failed preconditions, and a hash that identifies it. */
import type { Step } from './step.ts';

/** The version of the plan's JSON form (docs/plan-json.md). */
export const PLAN_FORMAT_VERSION = 3;

/** A failed precondition: it blocks the steps of its cluster (or one peering) and names the fix. */
export interface PlanError {
  /** Stable id such as `helm/cluster-01` or `unreachable/cluster-03`. */
  readonly id: string;
  readonly code:
    | 'helm_values'
    | 'consul_not_found'
    | 'partition_mismatch'
    | 'version_too_old'
    | 'gateway_not_ready'
    | 'acl_permission'
    | 'acl_mismatch'
    | 'acl_token_missing'
    | 'acl_gateway_unknown'
    | 'unreachable'
    | 'consul_unreachable'
    | 'consul_http_disabled'
    | 'export_service_missing'
    | 'prune_all_refused';
  readonly cluster?: string;
  readonly message: string;
  /** What to do about it, as a command or an edit. */
  readonly fix: string;
}

/** Something the plan assumed or could not check, worth reading before apply (never a secret). */
export interface PlanNote {
  readonly cluster: string;
  readonly message: string;
}

/**
 * Something apply will do that may not have the effect asked for, worth reading before apply; it
 * blocks nothing (under `--strict` a missing exported service is an error instead).
 */
export interface PlanWarning {
  /** `export_service_missing`: not registered; `export_service_unchecked`: could not be checked. */
  readonly code: 'export_service_missing' | 'export_service_unchecked';
  /** The install the warning is about. */
  readonly cluster: string;
  readonly service: string;
  readonly partition: string;
  /** Set when the export names a namespace. */
  readonly namespace?: string;
  readonly message: string;
}

/** How many steps do what, for summary lines. */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly verify: number;
  readonly blocked: number;
}

/** A peering edge of the topology graph, with how the plan changes it. */
export interface PlanEdge {
  readonly id: string;
  readonly acceptor: string;
  readonly dialer: string;
  readonly status: 'added' | 'changed' | 'removed' | 'unchanged' | 'blocked';
}

/** The full plan for one topology at one revision. */
export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly topology: string;
  readonly clusters: readonly string[];
  /** Short content hash of steps and errors; equal plans have equal hashes. */
  readonly hash: string;
  readonly steps: readonly Step[];
  readonly errors: readonly PlanError[];
  /** Where values were inferred or declared instead of read from a Helm release, and similar. */
  readonly notes: readonly PlanNote[];
  /** Exported services not registered in their partition's catalog, or that could not be checked. */
  readonly warnings: readonly PlanWarning[];
  readonly edges: readonly PlanEdge[];
  readonly summary: PlanSummary;
  /** True when the plan holds nothing but verification. */
  readonly converged: boolean;
}
