import { describe, expect, it } from 'vitest';
import { MemoryPeeringStore } from '../../sandbox/src/peering/memory-peering-store.ts';
import { secretsEqual } from '../../sandbox/src/peering/secret-compare.ts';
import { createExportSet } from '../../src/peering/export-set.ts';
import type { ReplicationMessage } from '../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { ImportedState } from '../../src/peering/imported-state.ts';
import { StreamSession } from '../../src/peering/stream-session.ts';
import { StreamTracker } from '../../src/peering/stream-tracker.ts';
import { manualClock } from './manual-clock.ts';

function session(role: 'acceptor' | 'dialer') {
  const clock = manualClock();
  const sent: ReplicationMessage[] = [];
  const tracker = new StreamTracker(clock);
  const s = new StreamSession((m) => sent.push(m), {
    role,
    remotePeerID: role === 'dialer' ? 'acc-1' : '',
    exports: createExportSet(),
    imports: new ImportedState(),
    tracker,
    clock,
    heartbeatIntervalMs: 15_000,
    idleTimeoutMs: 120_000,
  });
  return { s, sent, clock, tracker };
}

describe('StreamSession with an injected clock', () => {
  it('sends its subscriptions, then a heartbeat every interval, the first one interval after the start', () => {
    const { s, sent, clock } = session('dialer');
    s.start();
    const subs = sent.filter((m) => m.Payload?.$case === 'request');
    expect(subs).toHaveLength(4);
    expect(subs.every((m) => m.Payload?.$case === 'request' && m.Payload.value.PeerID === 'acc-1')).toBe(
      true,
    );
    const beats = () => sent.filter((m) => m.Payload?.$case === 'heartbeat').length;
    // Consul's ticker fires only after a full interval: no heartbeat at the start.
    expect(beats()).toBe(0);
    clock.advance(14_999);
    expect(beats()).toBe(0);
    clock.advance(1);
    expect(beats()).toBe(1);
    clock.advance(30_000);
    expect(beats()).toBe(3);
    s.close();
  });

  it('times out after 2 minutes without a heartbeat; each heartbeat resets the timer', async () => {
    const { s, clock, tracker } = session('acceptor');
    s.start();
    clock.advance(100_000);
    s.receive({ Payload: { $case: 'heartbeat', value: {} } });
    await Promise.resolve();
    await Promise.resolve();
    clock.advance(100_000);
    expect(tracker.status().connected).toBe(true);
    expect(tracker.consulStreamStatus().LastHeartbeat).toBe('2026-01-01T00:01:40.000Z');
    clock.advance(20_001);
    expect(await s.done).toEqual({ kind: 'heartbeat-timeout', message: 'heartbeat timeout' });
    expect(tracker.status().disconnectErrorMessage).toBe('heartbeat timeout');
  });

  it('sends Terminated on terminate and ends gracefully', async () => {
    const { s, sent, tracker } = session('acceptor');
    s.start();
    s.terminate();
    expect(sent.at(-1)?.Payload?.$case).toBe('terminated');
    expect((await s.done).kind).toBe('terminated-locally');
    expect(tracker.status().disconnectErrorMessage).toBeUndefined();
  });
});

describe('StreamTracker', () => {
  it('folds times into Consul StreamStatus and judges health like Tracker.IsHealthy', () => {
    const clock = manualClock();
    const tracker = new StreamTracker(clock);
    expect(tracker.consulStreamStatus()).toEqual({
      ImportedServices: [],
      ExportedServices: [],
      LastHeartbeat: null,
      LastReceive: null,
      LastSend: null,
    });
    tracker.connected();
    tracker.recvHeartbeat();
    clock.advance(1_000);
    tracker.recvResourceSuccess();
    tracker.sendSuccess();
    tracker.setImportedServices(['b', 'a']);
    const status = tracker.consulStreamStatus();
    expect(status.ImportedServices).toEqual(['a', 'b']);
    expect(status.LastHeartbeat).toBe('2026-01-01T00:00:00.000Z');
    expect(status.LastReceive).toBe('2026-01-01T00:00:01.000Z');
    expect(tracker.isHealthy(120_000)).toBe(true);
    tracker.disconnected('heartbeat timeout');
    clock.advance(120_001);
    expect(tracker.isHealthy(120_000)).toBe(false);
  });
});

describe('MemoryPeeringStore secrets lifecycle', () => {
  it('consumes the establishment secret once, keeps the active secret across new tokens, promotes pending', () => {
    const store = new MemoryPeeringStore();
    const first = store.generate('peer');
    const id = first.peering.id;
    store.exchangeSecret(id, first.establishmentSecret, 'stream-1');
    expect(() => store.exchangeSecret(id, first.establishmentSecret, 'stream-x')).toThrow(
      'invalid establishment secret: peering was already established',
    );
    store.promotePendingSecret(id, 'stream-1', {
      Partition: 'default',
      Datacenter: 'dc2',
      Locality: undefined,
    });
    const second = store.generate('peer');
    expect(second.peering.id).toBe(id);
    expect(store.secrets(id)?.activeStream).toBe('stream-1');
    expect(() => store.exchangeSecret(id, first.establishmentSecret, 'stream-2')).toThrow(
      'invalid establishment secret',
    );
    store.exchangeSecret(id, second.establishmentSecret, 'stream-2');
    expect(store.secrets(id)).toEqual({
      establishment: undefined,
      activeStream: 'stream-1',
      pendingStream: 'stream-2',
    });
    store.delete(id);
    expect(store.peeringByID(id)?.state).toBe('DELETING');
    expect(store.secrets(id)).toBeUndefined();
  });

  it('compares secrets without short-circuiting on length', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual(undefined, '')).toBe(false);
    expect(secretsEqual('', '')).toBe(false);
  });
});
