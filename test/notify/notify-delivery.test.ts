import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createNotifier, type Notifier } from '../../src/notify/notifier.ts';
import { retryAfterMs } from '../../src/notify/post-json.ts';
import { createSlackSink } from '../../src/notify/slack-sink.ts';
import { createWebhookSink } from '../../src/notify/webhook-sink.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { FAST, runFailed, uniquePrefix } from './notify-fixture.ts';
import { type RecordingReceiver, refusedUrl, startReceiver } from './recording-receiver.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

let receiver: RecordingReceiver;
let notifier: Notifier | undefined;
const lines: string[] = [];

async function send(url: string, slack = false): Promise<void> {
  const sink = slack ? createSlackSink({ url, policy: FAST }) : createWebhookSink({ url, policy: FAST });
  notifier = createNotifier({ redis, prefix: uniquePrefix(), sinks: [sink], log: (l) => lines.push(l) });
  await notifier.notify(runFailed());
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

describe('delivery', () => {
  it('retries a 500 and succeeds, with the same delivery id and body on every attempt', async () => {
    receiver.reply({ status: 500, body: 'oops' }, { status: 502 });
    await send(receiver.url);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.headers['x-meshpeer-delivery'])).size).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/^notify: sent run-failed of acme\/mesh@main \(run run-1\) to webhook/),
    ]);
  });

  it('does not retry a 400 and logs one line with the answer', async () => {
    receiver.reply({ status: 400, body: 'invalid_payload\nmore' });
    await send(receiver.url, true);
    expect(receiver.requests).toHaveLength(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^notify: slack delivery \S+ of run-failed .* failed: http 400: invalid_payload \(not retried\)$/,
      ),
    ]);
  });

  it('gives up after its attempts on 5xx and says so', async () => {
    receiver.reply({ status: 503 }, { status: 503 }, { status: 503 });
    await send(receiver.url);
    expect(receiver.requests).toHaveLength(3);
    expect(lines).toEqual([expect.stringMatching(/failed: http 503 after 3 attempts$/)]);
  });

  it('honours Retry-After on 429, and stops when it asks for longer than meshpeer waits', async () => {
    receiver.reply({ status: 429, headers: { 'retry-after': '0' } });
    await send(receiver.url);
    expect(receiver.requests).toHaveLength(2);
    receiver.reply({ status: 429, headers: { 'retry-after': '3600' }, body: 'rate_limited' });
    await send(receiver.url);
    expect(receiver.requests).toHaveLength(3);
    expect(lines.at(-1)).toMatch(
      /failed: http 429: rate_limited: the receiver asked to retry after 3600 s, longer than the 60 s meshpeer waits$/,
    );
  });

  it('does not follow redirects', async () => {
    receiver.reply({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    await send(receiver.url);
    expect(receiver.requests).toHaveLength(1);
    expect(lines).toEqual([
      expect.stringMatching(/failed: http 302 \(redirects are not followed\) \(not retried\)$/),
    ]);
  });

  it('retries a refused connection, then logs one line that never shows the Slack URL', async () => {
    const url = await refusedUrl();
    registerSecret(url);
    await send(url, true);
    expect(lines).toEqual([
      expect.stringMatching(
        /^notify: slack delivery \S+ of run-failed .* failed: connection refused after 3 attempts$/,
      ),
    ]);
    expect(lines.join('\n')).not.toContain('127.0.0.1');
  });

  it('ends an attempt that gets no answer at its deadline and retries it', async () => {
    const never = new Promise<void>(() => {});
    receiver.reply({ status: 200, hold: never });
    const sink = createWebhookSink({ url: receiver.url, policy: { ...FAST, timeoutMs: 200 } });
    notifier = createNotifier({ redis, prefix: uniquePrefix(), sinks: [sink], log: (l) => lines.push(l) });
    await notifier.notify(runFailed());
    await notifier.drain();
    expect(receiver.requests).toHaveLength(2);
    expect(lines).toEqual([expect.stringMatching(/^notify: sent run-failed/)]);
  });

  it('sends nothing and warns once when its state cannot be kept in Redis', async () => {
    const dead = new Redis({ lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    const warnings: string[] = [];
    const sinks = [createWebhookSink({ url: receiver.url, policy: FAST })];
    notifier = createNotifier({
      redis: dead,
      prefix: uniquePrefix(),
      sinks,
      log: (l) => lines.push(l),
      warn: (l) => warnings.push(l),
    });
    await notifier.notify(runFailed());
    await notifier.drain();
    dead.disconnect();
    expect(receiver.requests).toEqual([]);
    expect(lines).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^notify: run-failed of .* not sent to webhook: its state could not be read from Redis: /,
      ),
    ]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
