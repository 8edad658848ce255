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
    return {
      context: 'meshpeer/apply',
      state: 'failure',
      description: `run ${record.id} failed: ${first.slice(0, 2).join(' ')}`,
      ...link,
    };
  }
  const verified = record.steps.filter((s) => s.kind === 'verify' && s.status !== 'failed').length;
  const changed = record.steps.filter((s) => s.kind !== 'verify' && s.status === 'done').length;
  return {
    context: 'meshpeer/apply',
    state: 'success',
    description: `applied: ${changed} step${changed === 1 ? '' : 's'} changed, ${verified} peering${verified === 1 ? '' : 's'} verified`,
    ...link,
  };
}
