import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createNotifier } from '../../src/notify/notifier.ts';
import { createWebhookSink } from '../../src/notify/webhook-sink.ts';
import { FAST, runFailed, uniquePrefix } from './notify-fixture.ts';
import { type RecordingReceiver, startReceiver } from './recording-receiver.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

let receiver: RecordingReceiver;
const lines: string[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
  lines.length = 0;
});
afterEach(() => receiver.close());

function notifier(closeTimeoutMs?: number) {
  const sinks = [createWebhookSink({ url: receiver.url, policy: FAST })];
  return createNotifier({
    redis,
    prefix: uniquePrefix(),
    sinks,
    log: (l) => lines.push(l),
    ...(closeTimeoutMs !== undefined && { closeTimeoutMs }),
  });
}

describe('notifier close', () => {
  it('does not hold up notify, and close waits for the delivery in flight', async () => {
    let release = () => {};
    receiver.reply({ status: 200, hold: new Promise<void>((r) => (release = r)) });
    const n = notifier();
    await n.notify(runFailed());
    // notify returned while the receiver still holds its answer.
    await receiver.received(1);
    let closed = false;
    const closing = n.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(lines).toEqual([expect.stringMatching(/^notify: sent run-failed/)]);
  });

  it('aborts deliveries still in flight after its bound, logs them, and takes no new events', async () => {
    receiver.reply({ status: 200, hold: new Promise<void>(() => {}) });
    const n = notifier(100);
    await n.notify(runFailed('r1'));
    await receiver.received(1);
    await n.close();
    await n.notify(runFailed('r2'));
    expect(receiver.requests).toHaveLength(1);
    expect(lines).toEqual([
      'notify: 1 deliveries still in flight after 0.1 s; aborting them',
      expect.stringMatching(
        /^notify: webhook delivery \S+ of run-failed .* \(run r1\) failed: aborted while shutting down \(not retried\)$/,
      ),
      'notify: run-failed of acme/mesh@main (run r2) dropped: the notifier is closed',
    ]);
  });
});
