import { describe, expect, it } from 'vitest';
import { notifyEnvProblems, notifySinksFromEnv } from '../../src/notify/notify-sinks-from-env.ts';
import { redact } from '../../src/secrets/redact.ts';

const SLACK = 'https://hooks.slack.com/services/T0ENVTEST/B0ENVTEST/envtestsecretvalue1234';

describe('notifySinksFromEnv', () => {
  it('configures nothing when the variables are unset or empty', () => {
    expect(notifySinksFromEnv({})).toEqual([]);
    expect(
      notifySinksFromEnv({
        MESHPEER_SLACK_WEBHOOK_URL: '',
        MESHPEER_NOTIFY_WEBHOOK_URL: ' ',
        MESHPEER_NOTIFY_WEBHOOK_SECRET: '',
      }),
    ).toEqual([]);
  });

  it('configures a Slack and a webhook sink and registers their credentials for redaction', () => {
    const sinks = notifySinksFromEnv({
      MESHPEER_SLACK_WEBHOOK_URL: SLACK,
      MESHPEER_NOTIFY_WEBHOOK_URL: 'https://receiver.example/hook?key=envtestquerykey99',
      MESHPEER_NOTIFY_WEBHOOK_SECRET: 'envtest-webhook-secret-42',
    });
    expect(sinks.map((s) => s.name)).toEqual(['slack', 'webhook']);
    expect(redact(`posting to ${SLACK} failed`)).toBe('posting to [redacted] failed');
    expect(redact('path /services/T0ENVTEST/B0ENVTEST/envtestsecretvalue1234')).toBe('path [redacted]');
    expect(redact('query key=envtestquerykey99')).toBe('query [redacted]');
    expect(redact('secret envtest-webhook-secret-42')).toBe('secret [redacted]');
  });

  it('names each problem by its variable, never by its value', () => {
    const env = {
      MESHPEER_SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T0/B0/notaurlsecret',
      MESHPEER_NOTIFY_WEBHOOK_SECRET: 'envtest-lonely-secret',
    };
    expect(notifyEnvProblems(env)).toEqual([
      'MESHPEER_SLACK_WEBHOOK_URL is not an http(s) URL; set it to the incoming webhook URL Slack shows',
      'MESHPEER_NOTIFY_WEBHOOK_SECRET is set but MESHPEER_NOTIFY_WEBHOOK_URL is not; set both or neither',
    ]);
    expect(() => notifySinksFromEnv(env)).toThrow(/^MESHPEER_SLACK_WEBHOOK_URL is not an http\(s\) URL/);
    expect(() => notifySinksFromEnv({ MESHPEER_NOTIFY_WEBHOOK_URL: 'ftp://x.example/' })).toThrow(
      "MESHPEER_NOTIFY_WEBHOOK_URL is not an http(s) URL; set it to the receiver's URL",
    );
  });
});
