import { createHmac, timingSafeEqual } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createNotifier, type Notifier } from '../../src/notify/notifier.ts';
import type { NotifySink } from '../../src/notify/notify-sink.ts';
import { createSlackSink } from '../../src/notify/slack-sink.ts';
import { createWebhookSink, verifyNotifySignature } from '../../src/notify/webhook-sink.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { drift, FAST, recovered, runFailed, unhealthy, uniquePrefix } from './notify-fixture.ts';
import { type RecordingReceiver, startReceiver } from './recording-receiver.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const SECRET = 'notify-test-signing-secret-0123456789';
const PUBLIC_URL = 'https://meshpeer.example.com/';
let receiver: RecordingReceiver;
let notifier: Notifier | undefined;
const lines: string[] = [];

async function deliver(sink: NotifySink, ...events: Parameters<Notifier['notify']>[0][]): Promise<void> {
  notifier = createNotifier({
    redis,
    prefix: uniquePrefix(),
    sinks: [sink],
    log: (l) => lines.push(l),
    publicUrl: PUBLIC_URL,
  });
  for (const e of events) await notifier.notify(e);
  await notifier.drain();
}

beforeEach(async () => {
  receiver = await startReceiver();
  lines.length = 0;
});
afterEach(async () => {
  await notifier?.close();
  await receiver.close();
});

describe('generic webhook', () => {
  it('posts { event, id, sentAt, ...fields } with event and delivery headers and a verifiable signature', async () => {
    await deliver(createWebhookSink({ url: receiver.url, secret: SECRET, policy: FAST }), runFailed('r7'));
    const [req] = receiver.requests;
    const body = JSON.parse(req?.body ?? '{}');
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-meshpeer-event']).toBe('run-failed');
    expect(req?.headers['x-meshpeer-delivery']).toBe(body.id);
    expect(body).toEqual({
      event: 'run-failed',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      target: 'acme/mesh@main',
      runId: 'r7',
      revision: '0123456789abcdef0123456789abcdef01234567',
      trigger: 'webhook',
      failure: 'step acceptor/dc1 failed: http 500',
      summary: 'run r7 of acme/mesh@main at 0123456 failed: step acceptor/dc1 failed: http 500',
      url: PUBLIC_URL,
    });
    // What a receiver does (docs/notifications.md): HMAC of the raw body, compared in constant time.
    const header = String(req?.headers['x-meshpeer-signature']);
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', SECRET)
        .update(req?.body ?? '')
        .digest('hex')}`,
    );
    expect(expected.length === header.length && timingSafeEqual(expected, Buffer.from(header))).toBe(true);
    expect(verifyNotifySignature(req?.body ?? '', header, SECRET)).toBe(true);
    expect(verifyNotifySignature(`${req?.body} `, header, SECRET)).toBe(false);
    expect(verifyNotifySignature(req?.body ?? '', header, 'another-secret')).toBe(false);
  });

  it('sends no signature header without a secret', async () => {
    await deliver(createWebhookSink({ url: receiver.url, policy: FAST }), drift());
    expect(receiver.requests[0]?.headers['x-meshpeer-signature']).toBeUndefined();
    expect(JSON.parse(receiver.requests[0]?.body ?? '{}')).toMatchObject({
      event: 'drift-detected',
      reasons: ['peering dc1>dc2 is missing in dc2'],
      selfHeal: false,
    });
  });

  it('redacts a registered secret and credential shapes in a failure before it leaves', async () => {
    const token = 'acl-token-5f1c2a7e-9b7d-4c1e-8f00-3a9d0c1b2e4f';
    registerSecret(token);
    const failure = `consul refused X-Consul-Token: ${token} at https://admin:hunter22@consul.example:8501`;
    await deliver(
      createWebhookSink({ url: receiver.url, secret: SECRET, policy: FAST }),
      runFailed('r8', failure),
    );
    const body = receiver.requests[0]?.body ?? '';
    expect(body).not.toContain(token);
    expect(body).not.toContain('hunter22');
    expect(JSON.parse(body).failure).toBe(
      'consul refused X-Consul-Token: [redacted] at https://[redacted]@consul.example:8501',
    );
    expect(
      verifyNotifySignature(body, String(receiver.requests[0]?.headers['x-meshpeer-signature']), SECRET),
    ).toBe(true);
  });
});

describe('slack', () => {
  it('posts text and mrkdwn blocks: what happened, the peering, detail, fix and a link', async () => {
    await deliver(
      createSlackSink({ url: receiver.url, policy: FAST }),
      unhealthy('stale', 'no heartbeat <for> 3m'),
    );
    const body = JSON.parse(receiver.requests[0]?.body ?? '{}');
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
    expect(body).toEqual({
      text: 'meshpeer: peering dc1/default&gt;dc2/default of acme/mesh@main is stale: no heartbeat &lt;for&gt; 3m',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: ':red_circle: *Peering `dc1/default&gt;dc2/default` is stale*' },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              'Acceptor `dc1`, dialer `dc2`, target `acme/mesh@main`',
              '```no heartbeat &lt;for&gt; 3m```',
              '*Fix:* check the mesh gateway of dc1',
            ].join('\n'),
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `target \`acme/mesh@main\` · <${PUBLIC_URL}|open the meshpeer status page>`,
            },
          ],
        },
      ],
    });
  });

  it('formats run failures, drift and recovery', async () => {
    await deliver(
      createSlackSink({ url: receiver.url, policy: FAST }),
      runFailed('r3'),
      drift(['a', 'b'], true),
      unhealthy(),
    );
    await notifier?.notify(recovered);
    await notifier?.drain();
    const texts = receiver.requests.map((r) =>
      JSON.parse(r.body)
        .blocks.slice(0, 2)
        .map((b: { text: { text: string } }) => b.text.text)
        .join('\n'),
    );
    expect(texts).toContain(
      ':x: *Run failed* for `acme/mesh@main`\nRun `r3` at `0123456` (trigger: webhook)\n```step acceptor/dc1 failed: http 500```',
    );
    expect(texts).toContain(
      ':warning: *Drift detected* in `acme/mesh@main`\nAt `0123456` the clusters differ from the desired state:\n• a\n• b\nSelf-heal is on: meshpeer repairs it with a run (trigger `drift`).',
    );
    expect(texts).toContain(
      ':large_green_circle: *Peering `dc1/default&gt;dc2/default` is healthy again*\nAcceptor `dc1`, dialer `dc2`, target `acme/mesh@main`',
    );
  });

  it('keeps a long failure within the section limit and masks the secret before clipping', async () => {
    const token = 'slack-test-secret-value-9d8c7b6a5f4e3d2c1b0a';
    registerSecret(token);
    const failure = `${'x&'.repeat(2000)} ${token}`;
    await deliver(
      createSlackSink({ url: receiver.url, policy: FAST }),
      runFailed('r4', `${token} ${failure}`),
    );
    const body = receiver.requests[0]?.body ?? '';
    expect(body).not.toContain(token.slice(0, 12));
    const section = JSON.parse(body).blocks[1].text.text as string;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toMatch(/^Run `r4` .*\n```\[redacted\] x&amp;x&amp;/);
    expect(section).toMatch(/(&amp;|x)…```$/);
  });
});
