/**
 * What the webhook routes decided about one delivery, as the fields of its structured log line:
 * accepted (and what it enqueued), ignored and why, a duplicate, refused (signature, size,
 * malformed) or failed (the queue was away). Header values are untrusted: only plain ids are kept.
 */
import type { WebhookProvider } from '../../gitops/sync-event.ts';
import { headerValue, type WebhookHeaders, type WebhookOutcome } from './webhook-outcome.ts';

/** The decision in one word; `reason` keeps the finer metric label. */
export type WebhookVerdict = 'accepted' | 'ignored' | 'duplicate' | 'refused' | 'failed';

/** One delivery's decision. */
export interface WebhookDecision {
  readonly provider: WebhookProvider;
  /** The event header (`X-GitHub-Event`, `X-Gitlab-Event`), when it is a plain name. */
  readonly webhookEvent?: string;
  readonly deliveryId?: string;
  readonly decision: WebhookVerdict;
  /** The metric reason: accepted, ignored_event, untracked_repo, replayed, bad_signature, too_large… */
  readonly reason: string;
  /** What an accepted delivery asked for. */
  readonly action?: 'sync' | 'plan' | 'ping';
  readonly status: number;
  readonly detail?: string;
  readonly sha?: string;
  readonly branch?: string;
  readonly pr?: number;
}

const HEADERS: Record<WebhookProvider, { event: string; delivery: string }> = {
  github: { event: 'x-github-event', delivery: 'x-github-delivery' },
  gitlab: { event: 'x-gitlab-event', delivery: 'x-gitlab-event-uuid' },
};

const PLAIN = /^[A-Za-z0-9._ -]{1,64}$/;

const verdicts: Record<string, WebhookVerdict> = {
  accepted: 'accepted',
  ignored_event: 'ignored',
  untracked_repo: 'ignored',
  replayed: 'duplicate',
  enqueue_failed: 'failed',
};

function plainHeader(headers: WebhookHeaders, name: string): string | undefined {
  const value = headerValue(headers, name);
  return value !== undefined && PLAIN.test(value) ? value : undefined;
}

function eventFields(outcome: Pick<WebhookOutcome, 'event'>): Partial<WebhookDecision> {
  const event = outcome.event;
  if (event === undefined) return {};
  if (event.kind === 'sync')
    return { action: 'sync', deliveryId: event.deliveryId, sha: event.sha, branch: event.branch };
  if (event.kind === 'plan-pr')
    return { action: 'plan', deliveryId: event.deliveryId, sha: event.headSha, pr: event.number };
  return { action: 'ping', deliveryId: event.deliveryId };
}

/** The decision about a delivery from its outcome (or a route-level reason such as `enqueue_failed`). */
export function webhookDecision(
  provider: WebhookProvider,
  headers: WebhookHeaders,
  outcome: Pick<WebhookOutcome, 'event' | 'detail'> & { readonly reason: string; readonly status: number },
): WebhookDecision {
  const names = HEADERS[provider];
  const event = plainHeader(headers, names.event);
  const deliveryId = plainHeader(headers, names.delivery);
  const decision = verdicts[outcome.reason] ?? 'refused';
  return {
    provider,
    ...(event !== undefined && { webhookEvent: event }),
    ...(deliveryId !== undefined && { deliveryId }),
    decision,
    reason: outcome.reason,
    status: outcome.status,
    ...(outcome.detail !== undefined && { detail: outcome.detail }),
    ...eventFields(outcome),
  };
}
