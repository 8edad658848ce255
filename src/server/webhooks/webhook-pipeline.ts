import type { PlanPrEvent, SyncEvent, TrackedTarget, WebhookProvider } from '../../gitops/sync-event.ts';
import { deliveryIdOf } from './delivery-id.ts';
import { type DeliveryLog, deliveryKey } from './delivery-log.ts';
import {
  checkBodySize,
  headerValue,
  type WebhookEvent,
  type WebhookHeaders,
  type WebhookOutcome,
} from './webhook-outcome.ts';

/** What a provider parser made of a verified payload. */
export type ParsedWebhook =
  | { readonly kind: 'event'; readonly event: WebhookEvent }
  | { readonly kind: 'ignored'; readonly detail: string }
  | { readonly kind: 'malformed'; readonly detail: string };

/** What every provider handler needs besides the request. */
export interface WebhookContext {
  readonly targets: readonly TrackedTarget[];
  readonly deliveries: DeliveryLog;
}

/** Decodes a JSON body, or GitHub's form encoding whose `payload` field holds the JSON. */
export function decodePayload(body: Buffer, contentType: string | undefined): unknown {
  let text = body.toString('utf8');
  if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') === true) {
    text = new URLSearchParams(text).get('payload') ?? '';
  }
  return JSON.parse(text) as unknown;
}

/** The first size check, kept here so handlers refuse oversized bodies before any HMAC work. */
export function refuseOversized(body: Buffer): WebhookOutcome | undefined {
  return checkBodySize(body.byteLength);
}

function trackingOutcome(
  event: SyncEvent | PlanPrEvent,
  targets: readonly TrackedTarget[],
): WebhookOutcome | undefined {
  const repo = event.repo.toLowerCase();
  const branches = targets.filter((t) => t.repo.toLowerCase() === repo).map((t) => t.branch);
  if (branches.length === 0) {
    return { status: 202, reason: 'untracked_repo', detail: `repository ${event.repo} is not tracked` };
  }
  const branch = event.kind === 'sync' ? event.branch : event.baseRef;
  if (!branches.includes(branch)) {
    const what = event.kind === 'sync' ? 'push to' : 'pull request against';
    return { status: 200, reason: 'ignored_event', detail: `${what} untracked branch ${branch}` };
  }
  return undefined;
}

/** Turns a verified, parsed webhook into an outcome: tracking, then replay detection. */
export async function settleWebhook(
  provider: WebhookProvider,
  parsed: ParsedWebhook,
  context: WebhookContext,
): Promise<WebhookOutcome> {
  if (parsed.kind === 'malformed') return { status: 400, reason: 'malformed', detail: parsed.detail };
  if (parsed.kind === 'ignored') return { status: 200, reason: 'ignored_event', detail: parsed.detail };
  const { event } = parsed;
  if (event.kind === 'ping') return { status: 200, reason: 'accepted', detail: 'pong', event };
  const untracked = trackingOutcome(event, context.targets);
  if (untracked !== undefined) return untracked;
  if (await context.deliveries.seen(deliveryKey(provider, event.deliveryId))) {
    return { status: 200, reason: 'replayed', detail: `delivery ${event.deliveryId} was already handled` };
  }
  return { status: 202, reason: 'accepted', event };
}

/** A verified delivery's event name, JSON payload and delivery id. */
export interface Delivery {
  readonly eventName: string;
  readonly payload: unknown;
  readonly deliveryId: string;
}

/**
 * Reads the event of a delivery whose signature already checked out, or the 400 that refuses it;
 * the delivery id falls back to a hash of the body when the provider sent none.
 */
export function readDelivery(
  body: Buffer,
  headers: WebhookHeaders,
  eventHeader: string,
  deliveryHeader: string,
): Delivery | WebhookOutcome {
  const eventName = headerValue(headers, eventHeader);
  if (eventName === undefined)
    return { status: 400, reason: 'malformed', detail: `${eventHeader} header is missing` };
  let payload: unknown;
  try {
    payload = decodePayload(body, headerValue(headers, 'content-type'));
  } catch {
    return { status: 400, reason: 'malformed', detail: 'body is not valid json' };
  }
  return { eventName, payload, deliveryId: deliveryIdOf(headerValue(headers, deliveryHeader), body) };
}
