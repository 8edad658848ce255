/**
 * The events meshpeer notifies about, like Argo CD Notifications' triggers (on-sync-failed,
 * on-health-degraded) and Flux notification-controller's alerts: one per change of state, never
 * one per observation.
 */

/** The unhealthy states a peering can be reported in (src/gitops/peering-health.ts explains each). */
export type UnhealthyPeeringState = 'stale' | 'failing' | 'missing';

/**
 * Something that happened to a target. `in-sync` is never delivered by itself: it clears the drift
 * state so that the next drift of the target notifies again.
 */
export type NotifyEvent =
  | {
      kind: 'run-failed';
      target: string;
      runId: string;
      revision: string;
      trigger: string;
      failure: string;
    }
  | {
      kind: 'drift-detected';
      target: string;
      revision: string;
      reasons: readonly string[];
      selfHeal: boolean;
    }
  | {
      kind: 'peering-unhealthy';
      target: string;
      peering: string;
      acceptor: string;
      dialer: string;
      state: UnhealthyPeeringState;
      detail: string;
      fix?: string;
    }
  | { kind: 'peering-recovered'; target: string; peering: string; acceptor: string; dialer: string }
  | { kind: 'in-sync'; target: string; revision: string };

/** The events that reach a receiver. */
export type DeliveredEvent = Exclude<NotifyEvent, { kind: 'in-sync' }>;

/** The event kinds a receiver can see in `X-Meshpeer-Event` and the payload's `event`. */
export type DeliveredKind = DeliveredEvent['kind'];

/** A revision as people read it: the first 7 characters of a commit id, anything else as is. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision;
}

/** The first line of a possibly multi-line message, for one-line summaries. */
export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** One plain-text line saying what happened (Slack's notification text, the webhook's `summary`). */
export function eventSummary(event: DeliveredEvent): string {
  switch (event.kind) {
    case 'run-failed':
      return `run ${event.runId} of ${event.target} at ${shortRevision(event.revision)} failed: ${firstLine(event.failure)}`;
    case 'drift-detected':
      return `drift detected in ${event.target} at ${shortRevision(event.revision)}: ${firstLine(event.reasons[0] ?? 'the clusters differ from the desired state')}${event.reasons.length > 1 ? ` (+${event.reasons.length - 1} more)` : ''}`;
    case 'peering-unhealthy':
      return `peering ${event.peering} of ${event.target} is ${event.state}: ${firstLine(event.detail)}`;
    case 'peering-recovered':
      return `peering ${event.peering} of ${event.target} is healthy again`;
  }
}
