/** Shared pieces of the notification tests: events, a unique Redis prefix, a fast retry policy. */
import { randomUUID } from 'node:crypto';
import type { NotifyEvent } from '../../src/notify/notify-event.ts';
import type { PostPolicy } from '../../src/notify/post-json.ts';

/** Retries without real back-off, so tests stay quick. */
export const FAST: PostPolicy = { attempts: 3, baseDelayMs: 1, timeoutMs: 5000 };

/** A Redis prefix no other test uses. */
export function uniquePrefix(): string {
  return `notify-test-${process.pid}-${randomUUID()}`;
}

export const runFailed = (runId = 'run-1', failure = 'step acceptor/dc1 failed: http 500'): NotifyEvent => ({
  kind: 'run-failed',
  target: 'acme/mesh@main',
  runId,
  revision: '0123456789abcdef0123456789abcdef01234567',
  trigger: 'webhook',
  failure,
});

export const drift = (
  reasons: readonly string[] = ['peering dc1>dc2 is missing in dc2'],
  selfHeal = false,
): NotifyEvent => ({
  kind: 'drift-detected',
  target: 'acme/mesh@main',
  revision: '0123456789abcdef0123456789abcdef01234567',
  reasons,
  selfHeal,
});

export const inSync: NotifyEvent = { kind: 'in-sync', target: 'acme/mesh@main', revision: 'abc' };

const ends = { target: 'acme/mesh@main', peering: 'dc1/default>dc2/default', acceptor: 'dc1', dialer: 'dc2' };

export const unhealthy = (
  state: 'stale' | 'failing' | 'missing' = 'failing',
  detail = 'dc2: FAILING',
): NotifyEvent => ({
  kind: 'peering-unhealthy',
  ...ends,
  state,
  detail,
  fix: 'check the mesh gateway of dc1',
});

export const recovered: NotifyEvent = { kind: 'peering-recovered', ...ends };
