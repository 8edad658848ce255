/**
 * A Slack incoming webhook as a notification sink. The webhook URL is the credential (anyone who
 * has it can post to the channel), so it is registered for redaction and never logged.
 */
import { redactValue } from '../secrets/redact.ts';
import type { DeliveryContext, NotifySink } from './notify-sink.ts';
import { type PostPolicy, postJson } from './post-json.ts';
import { slackMessage } from './slack-message.ts';

/** Options of the Slack sink. */
export interface SlackSinkOptions {
  /** The incoming webhook URL, `https://hooks.slack.com/services/T…/B…/…`. */
  readonly url: string;
  /** Keys the sink's dedupe state; default `slack`. */
  readonly name?: string;
  readonly policy?: PostPolicy;
}

/** A sink posting `{ text, blocks }` to a Slack incoming webhook. */
export function createSlackSink(options: SlackSinkOptions): NotifySink {
  return {
    name: options.name ?? 'slack',
    async deliver(event, ctx: DeliveryContext) {
      // Redact before formatting: escaping or clipping a secret would hide it from the redactor.
      const message = redactValue(slackMessage(redactValue(event), ctx.publicUrl));
      await postJson({
        url: options.url,
        body: JSON.stringify(message),
        headers: {},
        signal: ctx.signal,
        ...(options.policy !== undefined && { policy: options.policy }),
      });
    },
  };
}
