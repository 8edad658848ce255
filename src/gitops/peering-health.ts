/**
 * Each peering's health: the state last observed (by a run's verification or by the periodic
 * check), when, and what to do about it. Deleted peerings are not kept: health follows the
 * topology at the applied revision.
 */
import type { RunRecord } from '../run/run-record.ts';
import { placeLabel } from '../topology/index.ts';

/**
 * `healthy`: both sides ACTIVE and receiving, imports match, handshake answered. `stale`: ACTIVE
 * but nothing received for longer than Consul's heartbeat timeout, or imports behind the exports
 * (hashicorp/consul#22868). `failing`: a side FAILING, TERMINATED or stuck, or the gateway or TLS
 * refused. `missing`: a side has no such peering. `unknown`: not observed yet.
 */
export type PeeringState = 'healthy' | 'stale' | 'failing' | 'missing' | 'unknown';

/** One peering's latest observed health. */
export interface PeeringHealth {
  /** The peering id, `acceptor-cluster/partition>dialer-cluster/partition`. */
  readonly id: string;
  /** Place labels: `cluster`, or `cluster/partition`. */
  readonly acceptor: string;
  readonly dialer: string;
  readonly state: PeeringState;
  readonly detail: string;
  /** What to do about a state other than healthy. */
  readonly fix?: string;
  readonly observedAt: string;
  /** A run's verify step, or the periodic check. */
  readonly source: 'run' | 'check';
  readonly run?: string;
  readonly revision?: string;
}

/** `verify/a/ap/d/dp` (a verify step id) as the peering id `a/ap>d/dp`. */
export function peeringIdOfVerifyStep(stepId: string): string {
  const [, ac = '?', ap = 'default', dc = '?', dp = 'default'] = stepId.split('/');
  return `${ac}/${ap}>${dc}/${dp}`;
}

/** The place labels of a peering id. */
export function peeringEnds(id: string): { acceptor: string; dialer: string } {
  const [a = '', d = ''] = id.split('>');
  const label = (place: string) => {
    const [cluster = '?', partition = 'default'] = place.split('/');
    return placeLabel(cluster, partition);
  };
  return { acceptor: label(a), dialer: label(d) };
}

/** The newest verification result per peering in `runs` (newest first), sorted by id. */
export function peeringHealthFromRuns(runs: readonly RunRecord[]): PeeringHealth[] {
  const seen = new Map<string, PeeringHealth>();
  for (const run of runs) {
    for (const step of run.steps) {
      const id = peeringIdOfVerifyStep(step.id);
      if (step.kind !== 'verify' || seen.has(id) || step.status === 'skipped') continue;
      const healthy = step.status === 'done' || step.status === 'unchanged';
      seen.set(id, {
        id,
        ...peeringEnds(id),
        state: healthy ? 'healthy' : 'failing',
        detail: step.detail,
        observedAt: run.finishedAt ?? run.startedAt,
        source: 'run',
        run: run.id,
        revision: run.revision,
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}
