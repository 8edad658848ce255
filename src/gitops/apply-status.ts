/** The `meshpeer/apply` commit status of a finished run of a tracked branch. */
import type { RunRecord } from '../run/run-record.ts';
import type { CommitStatus } from '../scm/scm-publisher.ts';

/** The status to publish for `record`, or undefined when the run was not of a Git commit. */
export function applyStatusFor(record: RunRecord, targetUrl?: string): CommitStatus | undefined {
  if (!/^[0-9a-f]{40}$/.test(record.revision) || record.status === 'running') return undefined;
  const link = targetUrl === undefined ? {} : { targetUrl };
  if (record.status === 'superseded')
    return {
      context: 'meshpeer/apply',
      state: 'error',
      description: 'superseded by a newer commit',
      ...link,
    };
  if (record.status === 'failed') {
    const first = (record.failure ?? 'failed').split('\n').filter((l) => l.trim() !== '');
    // The failure names one step; a run whose peerings failed to verify says how many up front.
    const unverified = record.steps.filter((s) => s.kind === 'verify' && s.status === 'failed').length;
    const peerings =
      unverified === 0 ? '' : ` (${unverified} peering${unverified === 1 ? '' : 's'} failed verification)`;
    return {
      context: 'meshpeer/apply',
      state: 'failure',
      description: `run ${record.id} failed${peerings}: ${first.slice(0, 2).join(' ')}`,
      ...link,
    };
  }
  // Only a verification that passed counts: a skipped one proved nothing.
  const verified = record.steps.filter(
    (s) => s.kind === 'verify' && (s.status === 'done' || s.status === 'unchanged'),
  ).length;
  const changed = record.steps.filter((s) => s.kind !== 'verify' && s.status === 'done').length;
  return {
    context: 'meshpeer/apply',
    state: 'success',
    description: `applied: ${changed} step${changed === 1 ? '' : 's'} changed, ${verified} peering${verified === 1 ? '' : 's'} verified`,
    ...link,
  };
}
