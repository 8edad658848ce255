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

/** GitHub's hook check on creation. */
export interface PingEvent {
  readonly kind: 'ping';
  readonly provider: WebhookProvider;
  readonly deliveryId: string;
}

/** Everything a webhook can ask meshpeer to do. */
export type WebhookEvent = SyncEvent | PlanPrEvent | PingEvent;

/** The closed set of webhook outcomes, also the `reason` label of the webhook metric. */
export type WebhookReason =
  | 'bad_signature'
  | 'missing_signature'
  | 'sha1_refused'
  | 'untracked_repo'
  | 'ignored_event'
  | 'replayed'
  | 'accepted'
  | 'malformed'
  | 'too_large';

/** What to answer and, when accepted, what to enqueue. */
export interface WebhookOutcome {
  readonly status: 200 | 202 | 400 | 401 | 413;
  readonly reason: WebhookReason;
  /** A short lowercase explanation for the response body and logs; never carries payload secrets. */
  readonly detail?: string;
  readonly event?: WebhookEvent;
}

/** Raw request headers as node:http or fastify give them. */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A repository and branch meshpeer follows; repository names compare case-insensitively. */
export interface TrackedTarget {
  readonly repo: string;
  readonly branch: string;
}

/** The largest body accepted; real push payloads are far smaller, and this bounds HMAC work. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** The 413 outcome when `byteLength` exceeds the limit, for use before the body is even buffered. */
export function checkBodySize(
  byteLength: number,
  limit = MAX_WEBHOOK_BODY_BYTES,
): WebhookOutcome | undefined {
  if (byteLength <= limit) return undefined;
  return { status: 413, reason: 'too_large', detail: `body of ${byteLength} bytes exceeds ${limit} bytes` };
}

/** Reads one header case-insensitively; repeated headers yield their first value. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
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
