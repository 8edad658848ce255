/**
 * A generic JSON webhook as a notification sink, signed like GitHub's `X-Hub-Signature-256` and
 * Flux's generic-hmac provider: `X-Meshpeer-Signature: sha256=<hex HMAC-SHA256 of the exact body>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { redactValue } from '../secrets/redact.ts';
import { type DeliveredEvent, eventSummary } from './notify-event.ts';
import type { DeliveryContext, NotifySink } from './notify-sink.ts';
import { type PostPolicy, postJson } from './post-json.ts';

/** Options of the generic webhook sink. */
export interface WebhookSinkOptions {
  readonly url: string;
  /** Signs every body when set (non-empty). */
  readonly secret?: string;
  /** Keys the sink's dedupe state; default `webhook`. */
  readonly name?: string;
  readonly policy?: PostPolicy;
}

/** The JSON a generic webhook receives: `event`, `id`, `sentAt`, the event's fields, `summary`, `url`. */
export function webhookPayload(
  event: DeliveredEvent,
  ctx: Omit<DeliveryContext, 'signal'>,
): Record<string, unknown> {
  const { kind, ...fields } = event;
  return {
    event: kind,
    id: ctx.deliveryId,
    sentAt: ctx.sentAt,
    ...fields,
    summary: eventSummary(event),
    ...(ctx.publicUrl !== undefined && ctx.publicUrl !== '' && { url: ctx.publicUrl }),
  };
}

/** The `X-Meshpeer-Signature` value of `body` under `secret`. */
export function signNotifyBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks an `X-Meshpeer-Signature` header against the raw body in constant time (for receivers). */
export function verifyNotifySignature(
  body: string | Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (match?.[1] === undefined || secret === '') return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}

/** A sink posting the signed JSON payload to any HTTP endpoint. */
export function createWebhookSink(options: WebhookSinkOptions): NotifySink {
  const secret = options.secret ?? '';
  return {
    name: options.name ?? 'webhook',
    async deliver(event, ctx) {
      const body = JSON.stringify(redactValue(webhookPayload(redactValue(event), ctx)));
      const headers: Record<string, string> = {
        'X-Meshpeer-Event': event.kind,
        'X-Meshpeer-Delivery': ctx.deliveryId,
      };
      if (secret !== '') headers['X-Meshpeer-Signature'] = signNotifyBody(secret, body);
      await postJson({
        url: options.url,
        body,
        headers,
        signal: ctx.signal,
        ...(options.policy !== undefined && { policy: options.policy }),
      });
    },
  };
}
