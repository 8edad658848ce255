/** Notifications (Slack, generic signed webhooks) on run failures, drift and peering health changes. */

export { createNotifier, type Notifier, type NotifierOptions } from './notifier.ts';
export type { DeliveredEvent, DeliveredKind, NotifyEvent, UnhealthyPeeringState } from './notify-event.ts';
export type { DeliveryContext, DeliveryFailure, NotifySink } from './notify-sink.ts';
export { NotifyDeliveryError } from './notify-sink.ts';
export { NOTIFY_ENV, notifyEnvProblems, notifySinksFromEnv } from './notify-sinks-from-env.ts';
export type { PostPolicy } from './post-json.ts';
export { createSlackSink, type SlackSinkOptions } from './slack-sink.ts';
export {
  createWebhookSink,
  signNotifyBody,
  verifyNotifySignature,
  type WebhookSinkOptions,
} from './webhook-sink.ts';
