import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createNotifier, type Notifier } from '../../src/notify/notifier.ts';
import { createWebhookSink } from '../../src/notify/webhook-sink.ts';
import { drift, FAST, inSync, recovered, runFailed, unhealthy, uniquePrefix } from './notify-fixture.ts';
import { type RecordingReceiver, startReceiver } from './recording-receiver.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

let receiver: RecordingReceiver;
let prefix: string;
const notifiers: Notifier[] = [];
const lines: string[] = [];

function notifier(): Notifier {
  const sinks = [createWebhookSink({ url: receiver.url, policy: FAST })];
  const n = createNotifier({ redis, prefix, sinks, log: (l) => lines.push(l) });
  notifiers.push(n);
  return n;
}

/** Reports each event in order, waiting for its delivery (if any) before the next. */
async function report(n: Notifier, ...events: Parameters<Notifier['notify']>[0][]): Promise<void> {
  for (const e of events) {
    await n.notify(e);
    await n.drain();
  }
}

const kinds = () => receiver.requests.map((r) => JSON.parse(r.body) as { event: string; state?: string });

beforeEach(async () => {
  receiver = await startReceiver();
  prefix = uniquePrefix();
  lines.length = 0;
});
afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close();
  await receiver.close();
});

describe('notifier dedupe', () => {
  it('delivers the same state once, even reported twice at the same time', async () => {
    const n = notifier();
    await Promise.all([n.notify(runFailed('r1')), n.notify(runFailed('r1'))]);
    await n.drain();
    await report(n, runFailed('r1'), runFailed('r2'));
    expect(kinds().map((k) => k.event)).toEqual(['run-failed', 'run-failed']);
    expect(receiver.requests.map((r) => JSON.parse(r.body).runId)).toEqual(['r1', 'r2']);
  });

  it('delivers once across two notifiers sharing Redis (two serve replicas)', async () => {
    const [a, b] = [notifier(), notifier()];
    await Promise.all([a.notify(unhealthy()), b.notify(unhealthy()), a.notify(drift()), b.notify(drift())]);
    await Promise.all([a.drain(), b.drain()]);
    expect(
      kinds()
        .map((k) => k.event)
        .sort(),
    ).toEqual(['drift-detected', 'peering-unhealthy']);
  });

  it('reports unhealthy once, a change of unhealthy state again, and recovered once', async () => {
    const n = notifier();
    await report(n, unhealthy('failing'), unhealthy('failing', 'another detail'), unhealthy('stale'));
    await report(n, recovered, recovered, unhealthy('stale'));
    expect(kinds().map((k) => `${k.event}${k.state === undefined ? '' : `:${k.state}`}`)).toEqual([
      'peering-unhealthy:failing',
      'peering-unhealthy:stale',
      'peering-recovered',
      'peering-unhealthy:stale',
    ]);
  });

  it('never reports recovered for a peering never reported unhealthy', async () => {
    const n = notifier();
    await report(n, recovered);
    expect(receiver.requests).toEqual([]);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });

  it('reports drift once until in-sync, then again: drift, drift with new reasons, in-sync, drift', async () => {
    const n = notifier();
    await report(n, drift(['a']), drift(['a', 'b']), inSync, inSync, drift(['c']));
    expect(kinds().map((k) => k.event)).toEqual(['drift-detected', 'drift-detected']);
    expect(receiver.requests.map((r) => JSON.parse(r.body).reasons)).toEqual([['a'], ['c']]);
  });

  it('survives a restart: a new notifier on the same Redis remembers what was delivered', async () => {
    const first = notifier();
    await report(first, drift(), unhealthy());
    await first.close();
    const second = notifier();
    await report(second, drift(), unhealthy(), recovered);
    expect(kinds().map((k) => k.event)).toEqual(['drift-detected', 'peering-unhealthy', 'peering-recovered']);
  });

  it('keeps its state under the prefix with a TTL, one key per sink and subject', async () => {
    const n = notifier();
    await report(n, runFailed('r9'), drift(), unhealthy('missing'));
    const keys = (await redis.keys(`${prefix}:notify:*`)).sort();
    expect(keys).toEqual([
      `${prefix}:notify:webhook:drift:acme/mesh@main`,
      `${prefix}:notify:webhook:peering:acme/mesh@main:dc1/default>dc2/default`,
      `${prefix}:notify:webhook:run:r9`,
    ]);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(await redis.get(keys[1] ?? '')).toBe('missing');
  });

  it('releases the state of a failed delivery, so the next report of the same state tries again', async () => {
    const n = notifier();
    receiver.reply({ status: 400, body: 'invalid_payload' });
    await report(n, unhealthy(), unhealthy());
    expect(receiver.requests).toHaveLength(2);
    expect(lines.filter((l) => l.includes('failed'))).toEqual([
      expect.stringMatching(
        /^notify: webhook delivery \S+ of peering-unhealthy \(failing\) .* failed: http 400: invalid_payload \(not retried\)$/,
      ),
    ]);
    await report(n, unhealthy());
    expect(receiver.requests).toHaveLength(2);
  });

  it('refuses two sinks with one name, since the name keys the state', () => {
    const sink = createWebhookSink({ url: 'http://127.0.0.1:1/' });
    expect(() => createNotifier({ redis, prefix, sinks: [sink, sink], log: () => {} })).toThrow(
      'two notification sinks are named webhook',
    );
  });
});
