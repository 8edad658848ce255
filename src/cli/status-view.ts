/**
 * What `meshpeer status` shows, from either place it can read: a running serve's `/api/status`,
 * or the Redis that serve and the workers write (run history, the health the periodic checks and
 * runs observed, the check and retry state). Health is the latest observation with its age, never
 * "healthy at the last run".
 */

import { HealthStore } from '../gitops/health-store.ts';
import { type PeeringHealth, peeringHealthFromRuns } from '../gitops/peering-health.ts';
import { ReconcileState } from '../gitops/reconcile-state.ts';
import type { ReconcileStatus, RunSummary, StatusSnapshot } from '../gitops/status-snapshot.ts';
import { runSummary } from '../gitops/status-snapshot.ts';
import { formatDuration } from '../io/format-duration.ts';
import type { RedisClient } from '../io/redis-endpoint.ts';
import { RedisRunStore } from '../run/redis-run-store.ts';
import type { Paint } from './output.ts';

/** One target (repository branch) and the live state of its peerings. */
export interface TargetView {
  readonly target: string;
  readonly applied?: string;
  /** The interval and self-heal are known only to serve; Redis holds what its checks recorded. */
  readonly reconcile: Partial<ReconcileStatus>;
  readonly peerings: readonly PeeringHealth[];
}

/** Everything the command prints, in the order it prints it. */
export interface StatusView {
  readonly targets: readonly TargetView[];
  readonly runs: readonly RunSummary[];
}

/** The view of a serve's `/api/status`. */
export function viewOfSnapshot(snapshot: StatusSnapshot, limit: number): StatusView {
  const tracked = snapshot.tracked[0];
  return {
    targets: [
      {
        target: tracked?.target ?? '(untracked)',
        ...(tracked?.revisions.applied !== undefined && { applied: tracked.revisions.applied }),
        reconcile: snapshot.reconcile,
        peerings: snapshot.peerings,
      },
    ],
    runs: snapshot.runs.slice(0, limit),
  };
}

/**
 * The view read from Redis: every target with runs in the history. A target that no serve checks
 * (only `meshpeer apply`) has no stored health; its peerings come from its runs' verifications.
 */
export async function viewFromRedis(redis: RedisClient, prefix: string, limit: number): Promise<StatusView> {
  const runs = await new RedisRunStore(redis, prefix).list(limit);
  const health = new HealthStore(redis, prefix);
  const reconcile = new ReconcileState(redis, prefix);
  const targets = [...new Set(runs.map((r) => r.target))].sort();
  return {
    targets: await Promise.all(
      targets.map(async (target): Promise<TargetView> => {
        const stored = await health.get(target);
        const own = runs.filter((r) => r.target === target);
        const applied = own.find((r) => r.status === 'succeeded')?.revision;
        return {
          target,
          ...(applied !== undefined && { applied }),
          reconcile: await reconcile.observed(target),
          peerings: stored.length > 0 ? stored : peeringHealthFromRuns(own),
        };
      }),
    ),
    runs: runs.map(runSummary),
  };
}

/** "12s ago", "in 40s" or "just now" from an ISO time. */
export function relative(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return iso;
  if (Math.abs(ms) < 1000) return 'just now';
  const text = formatDuration(Math.abs(Math.round(ms / 1000) * 1000));
  return ms > 0 ? `in ${text}` : `${text} ago`;
}

const STATE_ORDER: Readonly<Record<PeeringHealth['state'], number>> = {
  failing: 0,
  missing: 1,
  stale: 2,
  unknown: 3,
  healthy: 4,
};

function reconcileLines(r: Partial<ReconcileStatus>, now: number, c: Paint): string[] {
  const lines: string[] = [];
  const check = r.lastCheck;
  if (check !== undefined) {
    const result = check.result === 'in-sync' ? c.green('in sync') : c.red(check.result);
    lines.push(`  last check ${relative(check.at, now)}: ${result}`);
    for (const reason of check.reasons.slice(0, 5)) lines.push(`    ${c.gray(reason)}`);
  } else lines.push(`  ${c.gray('no periodic check recorded yet (meshpeer serve runs them)')}`);
  const settings = [
    ...(r.nextCheckAt !== undefined ? [`next check ${relative(r.nextCheckAt, now)}`] : []),
    ...(r.intervalMs !== undefined
      ? [r.intervalMs > 0 ? `every ${formatDuration(r.intervalMs)}` : 'periodic check off']
      : []),
    ...(r.selfHeal !== undefined ? [r.selfHeal ? 'self-heal on' : 'self-heal off'] : []),
  ];
  if (settings.length > 0) lines.push(`  ${settings.join(' · ')}`);
  if (r.retry !== undefined)
    lines.push(c.yellow(`  retry ${r.retry.attempt} of run ${r.retry.of} ${relative(r.retry.at, now)}`));
  return lines;
}

function peeringLines(peerings: readonly PeeringHealth[], now: number, c: Paint): string[] {
  if (peerings.length === 0) return [`  ${c.gray('no peerings observed yet')}`];
  const sorted = [...peerings].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.id.localeCompare(b.id),
  );
  return sorted.flatMap((p) => {
    const color =
      p.state === 'healthy' ? c.green : p.state === 'stale' || p.state === 'unknown' ? c.yellow : c.red;
    const seen = `${p.source === 'check' ? 'checked' : `verified by ${p.run ?? 'a run'}`} ${relative(p.observedAt, now)}`;
    return [
      `  ${color(p.state.padEnd(8))} ${p.acceptor} <-> ${p.dialer}  ${c.gray(seen)}`,
      ...(p.state === 'healthy' ? [] : [`           ${p.detail}`]),
      ...(p.fix !== undefined && p.state !== 'healthy' ? [`           ${c.bold('fix:')} ${p.fix}`] : []),
    ];
  });
}

function runLines(runs: readonly RunSummary[], now: number, c: Paint): string[] {
  if (runs.length === 0) return ['  none yet: run meshpeer apply, or push to the tracked branch'];
  return runs.flatMap((r) => {
    const color = r.status === 'succeeded' ? c.green : r.status === 'running' ? c.yellow : c.red;
    const took =
      r.finishedAt === undefined
        ? ''
        : ` (${formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt))})`;
    const active = (r.active ?? []).map(
      (a) =>
        `      ${c.yellow('→')} ${a.kind} on ${a.lane}${a.waiting === undefined ? '' : `: waiting for ${a.waiting}`}`,
    );
    const failure = r.failure === undefined ? [] : [`      ${c.red(r.failure.split('\n')[0] ?? '')}`];
    return [
      `  ${r.id}  ${r.target}  ${r.revision.slice(0, 12)}  ${r.trigger.kind.padEnd(12)} ${color(r.status)}  ${c.gray(`${relative(r.startedAt, now)}${took}`)}`,
      ...active,
      ...failure,
    ];
  });
}

/** The text the command prints (one block per target, then the runs). */
export function renderStatus(view: StatusView, now: number, c: Paint): string {
  const blocks = view.targets.map((t) =>
    [
      `${c.bold(t.target)}${t.applied === undefined ? '' : c.gray(`  applied ${t.applied.slice(0, 12)}`)}`,
      ...reconcileLines(t.reconcile, now, c),
      c.bold('  peerings'),
      ...peeringLines(t.peerings, now, c).map((l) => `  ${l}`),
    ].join('\n'),
  );
  return [...blocks, [c.bold('runs'), ...runLines(view.runs, now, c)].join('\n')].join('\n\n');
}
