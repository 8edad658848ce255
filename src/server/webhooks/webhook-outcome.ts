import type { PlanPrEvent, SyncEvent, WebhookProvider } from '../../gitops/sync-event.ts';

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
