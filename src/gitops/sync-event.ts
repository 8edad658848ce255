/**
 * What a webhook asks gitops to do: reconcile a branch or plan a pull request, and the key that
 * coalesces a burst of them. The server parses webhooks into these; gitops queues and runs them.
 */

/** Which hosting provider sent a webhook. */
export type WebhookProvider = 'github' | 'gitlab';

/** A push to a tracked branch: reconcile that branch at exactly `sha`. */
export interface SyncEvent {
  readonly kind: 'sync';
  readonly provider: WebhookProvider;
  readonly repo: string;
  readonly branch: string;
  readonly sha: string;
  readonly deliveryId: string;
}

/** New commits on a pull or merge request: plan its head commit and comment. */
export interface PlanPrEvent {
  readonly kind: 'plan-pr';
  readonly provider: WebhookProvider;
  readonly repo: string;
  /** GitHub pull request number or GitLab merge request iid. */
  readonly number: number;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseRef: string;
  readonly deliveryId: string;
}

/** A repository and branch meshpeer follows; repository names compare case-insensitively. */
export interface TrackedTarget {
  readonly repo: string;
  readonly branch: string;
}

/**
 * The coalescing key of an event's target: at most one pending run per key, so a burst of pushes
 * collapses into one run of the newest commit. Safe as a BullMQ deduplication id (no `:`).
 */
export function coalesceKey(event: SyncEvent | PlanPrEvent): string {
  const repo = encodeURIComponent(event.repo.toLowerCase());
  if (event.kind === 'sync') return `${event.provider}-sync-${repo}-${encodeURIComponent(event.branch)}`;
  return `${event.provider}-pr-${repo}-${event.number}`;
}
