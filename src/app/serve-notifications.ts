/**
 * Turns what serve observes into notification events: a failed run, the result of a periodic
 * check (drift, or back in sync), and peerings whose health changed. The notifier deduplicates,
 * so these are called for every observation and each change is delivered once.
 */
import type { HealthTransition } from '../gitops/health-store.ts';
import type { CheckOutcome } from '../gitops/reconciler.ts';
import type { Notifier, NotifyEvent } from '../notify/index.ts';
import type { RunRecord } from '../run/run-record.ts';

/** The events of a finished run: only a failure is news by itself. */
export function runEvents(record: RunRecord): NotifyEvent[] {
  if (record.status !== 'failed') return [];
  return [
    {
      kind: 'run-failed',
      target: record.target,
      runId: record.id,
      revision: record.revision,
      trigger: record.trigger.kind,
      failure: record.failure ?? 'failed',
    },
  ];
}

/** The events of a check: drift or in sync (a skipped or failed check says nothing about the clusters). */
export function checkEvents(outcome: CheckOutcome, selfHeal: boolean): NotifyEvent[] {
  if (outcome.revision === undefined) return [];
  const { target, revision } = outcome;
  if (outcome.result === 'drift')
    return [{ kind: 'drift-detected', target, revision, reasons: outcome.reasons, selfHeal }];
  if (outcome.result === 'in-sync') return [{ kind: 'in-sync', target, revision }];
  return [];
}

/** The events of peerings whose state changed; `unknown` (not observable) is no news. */
export function healthEvents(target: string, transitions: readonly HealthTransition[]): NotifyEvent[] {
  return transitions.flatMap(({ health: h }): NotifyEvent[] => {
    const ends = { target, peering: h.id, acceptor: h.acceptor, dialer: h.dialer };
    if (h.state === 'healthy') return [{ kind: 'peering-recovered', ...ends }];
    if (h.state === 'unknown') return [];
    return [
      {
        kind: 'peering-unhealthy',
        ...ends,
        state: h.state,
        detail: h.detail,
        ...(h.fix !== undefined && { fix: h.fix }),
      },
    ];
  });
}

/** Sends events without waiting on delivery (the notifier tracks them and logs failures). */
export function send(notifier: Notifier | undefined, events: readonly NotifyEvent[]): void {
  if (notifier === undefined) return;
  for (const event of events) void notifier.notify(event);
}
