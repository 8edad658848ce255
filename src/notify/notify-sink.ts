/**
 * The port every notification receiver implements (Slack, a generic webhook, or a test double).
 * A sink formats and sends one event, retrying as it sees fit, and throws when it gives up.
 */
import type { DeliveredEvent } from './notify-event.ts';

/** What the notifier hands a sink with each delivery. */
export interface DeliveryContext {
  /** Unique per event and sink; the same across the retries of one delivery, so receivers can dedupe. */
  readonly deliveryId: string;
  /** ISO time the delivery was first attempted. */
  readonly sentAt: string;
  /** The status page's public URL, to link to. */
  readonly publicUrl?: string;
  /** Aborted when the notifier closes and its bound has passed. */
  readonly signal: AbortSignal;
}

/** A receiver of notifications; `name` keys its dedupe state, so it must be unique and stable. */
export interface NotifySink {
  readonly name: string;
  deliver(event: DeliveredEvent, ctx: DeliveryContext): Promise<void>;
}

/** Why a delivery failed: refused, timeout, network, http-4xx, http-5xx, or aborted (notifier closed). */
export type DeliveryFailure = 'refused' | 'timeout' | 'network' | 'http-4xx' | 'http-5xx' | 'aborted';

/** A delivery the sink gave up on; the message is one lowercase line without the receiver's URL. */
export class NotifyDeliveryError extends Error {
  override readonly name = 'NotifyDeliveryError';
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    readonly attempts: number,
  ) {
    super(message);
  }
}
