/** The run list the status page reads: `GET /api/runs?limit=N&trigger=KIND`, newest first. */

import type { RunSummary } from '../gitops/status-snapshot.ts';
import type { RunTrigger } from '../run/run-record.ts';

/** Every trigger kind, as the history filter offers them. */
export const RUN_TRIGGER_KINDS: readonly RunTrigger['kind'][] = [
  'cli',
  'poll',
  'webhook',
  'pull-request',
  'sync',
  'drift',
  'retry',
];

/** Which runs to list: at most `limit`, only those started by `trigger` when given. */
export interface RunListOptions {
  readonly limit: number;
  readonly trigger?: RunTrigger['kind'];
  /** Only this target's runs. */
  readonly target?: string;
}

/** The default and the largest `limit` (the run store keeps about a hundred runs). */
export const RUN_LIST_DEFAULT = 20;
export const RUN_LIST_MAX = 100;

/** The options of a `/api/runs` query string, or the one-line reason it is not valid. */
export function parseRunListQuery(
  query: Readonly<Record<string, unknown>>,
): { readonly options: RunListOptions } | { readonly error: string } {
  const { limit: rawLimit, trigger: rawTrigger, target: rawTarget } = query;
  if (rawTarget !== undefined && (typeof rawTarget !== 'string' || rawTarget === ''))
    return { error: 'target must be a target name' };
  const target = rawTarget === undefined ? {} : { target: rawTarget };
  let limit = RUN_LIST_DEFAULT;
  if (rawLimit !== undefined) {
    const n = typeof rawLimit === 'string' && /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(n >= 1 && n <= RUN_LIST_MAX))
      return { error: `limit must be a whole number from 1 to ${RUN_LIST_MAX}` };
    limit = n;
  }
  if (rawTrigger === undefined || rawTrigger === '') return { options: { limit, ...target } };
  const trigger = RUN_TRIGGER_KINDS.find((k) => k === rawTrigger);
  if (trigger === undefined) return { error: `trigger must be one of ${RUN_TRIGGER_KINDS.join(', ')}` };
  return { options: { limit, trigger, ...target } };
}

/** `runs` (newest first) filtered and cut as `options` say: the fallback when no run store lists runs. */
export function filterRuns(runs: readonly RunSummary[], options: RunListOptions): RunSummary[] {
  return runs
    .filter((r) => options.trigger === undefined || r.trigger.kind === options.trigger)
    .filter((r) => options.target === undefined || r.target === options.target)
    .slice(0, options.limit);
}
