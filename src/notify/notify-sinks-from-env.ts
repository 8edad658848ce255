/**
 * Notification sinks from the environment. URLs and the signing secret are credentials (a Slack
 * webhook URL lets anyone post to the channel), so each is registered for redaction as it is read.
 */
import { registerSecret } from '../secrets/redact.ts';
import type { NotifySink } from './notify-sink.ts';
import type { PostPolicy } from './post-json.ts';
import { createSlackSink } from './slack-sink.ts';
import { createWebhookSink } from './webhook-sink.ts';

/** The variables read; an empty value counts as unset. */
export const NOTIFY_ENV = {
  slackUrl: 'MESHPEER_SLACK_WEBHOOK_URL',
  webhookUrl: 'MESHPEER_NOTIFY_WEBHOOK_URL',
  webhookSecret: 'MESHPEER_NOTIFY_WEBHOOK_SECRET',
} as const;

/** Every configuration problem, one lowercase line each naming the variable (never its value). */
export function notifyEnvProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const slack = value(env, NOTIFY_ENV.slackUrl);
  const webhook = value(env, NOTIFY_ENV.webhookUrl);
  if (slack !== undefined && !isHttpUrl(slack)) {
    problems.push(
      `${NOTIFY_ENV.slackUrl} is not an http(s) URL; set it to the incoming webhook URL Slack shows`,
    );
  }
  if (webhook !== undefined && !isHttpUrl(webhook)) {
    problems.push(`${NOTIFY_ENV.webhookUrl} is not an http(s) URL; set it to the receiver's URL`);
  }
  if (webhook === undefined && value(env, NOTIFY_ENV.webhookSecret) !== undefined) {
    problems.push(
      `${NOTIFY_ENV.webhookSecret} is set but ${NOTIFY_ENV.webhookUrl} is not; set both or neither`,
    );
  }
  return problems;
}

/** The sinks the environment configures (none when nothing is set); throws on a problem above. */
export function notifySinksFromEnv(env: NodeJS.ProcessEnv, policy?: PostPolicy): NotifySink[] {
  const slack = value(env, NOTIFY_ENV.slackUrl);
  const webhook = value(env, NOTIFY_ENV.webhookUrl);
  const secret = value(env, NOTIFY_ENV.webhookSecret);
  // Registered before anything can fail, so not even a problem report can carry them.
  registerUrl(slack, true);
  registerUrl(webhook, false);
  registerSecret(secret);
  const problems = notifyEnvProblems(env);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const sinks: NotifySink[] = [];
  const withPolicy = policy === undefined ? {} : { policy };
  if (slack !== undefined) sinks.push(createSlackSink({ url: slack, ...withPolicy }));
  if (webhook !== undefined) {
    sinks.push(createWebhookSink({ url: webhook, ...(secret !== undefined && { secret }), ...withPolicy }));
  }
  return sinks;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The URL as given and as normalised; for Slack also its path, which alone is the credential. */
function registerUrl(text: string | undefined, pathIsSecret: boolean): void {
  if (text === undefined) return;
  registerSecret(text);
  if (!isHttpUrl(text)) return;
  const url = new URL(text);
  registerSecret(url.href);
  if (url.search.length > 1) registerSecret(url.search.slice(1));
  if (pathIsSecret) registerSecret(url.pathname);
}
