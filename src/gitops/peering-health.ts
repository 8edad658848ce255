/** Each peering's health from the newest verification that checked it, across recent runs. */
import type { RunRecord } from '../run/run-record.ts';
import { placeLabel } from '../topology/index.ts';

/** One peering's latest verification. */
export interface PeeringHealth {
  /** The verify step id: `verify/<acceptor>/<partition>/<dialer>/<partition>`. */
  readonly id: string;
  readonly acceptor: string;
  readonly dialer: string;
  readonly healthy: boolean;
  readonly detail: string;
  readonly run: string;
  readonly revision: string;
  readonly at: string;
}

function endpoints(id: string): { acceptor: string; dialer: string } {
  const [, ac = '?', ap = 'default', dc = '?', dp = 'default'] = id.split('/');
  return { acceptor: placeLabel(ac, ap), dialer: placeLabel(dc, dp) };
}

/** The newest verification result per peering in `runs` (newest first), sorted by id. */
export function peeringHealth(runs: readonly RunRecord[]): PeeringHealth[] {
  const seen = new Map<string, PeeringHealth>();
  for (const run of runs) {
    for (const step of run.steps) {
      if (step.kind !== 'verify' || seen.has(step.id) || step.status === 'skipped') continue;
      seen.set(step.id, {
        id: step.id,
        ...endpoints(step.id),
        healthy: step.status === 'done' || step.status === 'unchanged',
        detail: step.detail,
        run: run.id,
        revision: run.revision,
        at: run.finishedAt ?? run.startedAt,
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}
