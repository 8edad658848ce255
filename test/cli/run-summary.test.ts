/** The closing line of a run counts a failed verification as failed and says how many peerings failed it. */
import { describe, expect, it } from 'vitest';
import { paint } from '../../src/cli/output.ts';
import { runSummary } from '../../src/cli/run-progress.ts';
import { applyStatusFor } from '../../src/gitops/apply-status.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import type { StepResult } from '../../src/run/step-result.ts';

const step = (id: string, status: StepResult['status']): StepResult => {
  const kind = id.split('/')[0] as StepResult['kind'];
  return {
    id,
    kind,
    lane: kind === 'verify' ? 'verify' : (id.split('/')[1] ?? ''),
    action: kind === 'verify' ? 'verify' : 'create',
    status,
    detail: status,
    attempts: 1,
    durationMs: 5,
  };
};

function record(status: RunRecord['status'], steps: StepResult[], failure?: string): RunRecord {
  return {
    id: 'run-1',
    target: 'runbook',
    revision: 'a'.repeat(40),
    trigger: { kind: 'cli' },
    status,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:31.000Z',
    passes: 1,
    steps,
    ...(failure !== undefined && { failure }),
  };
}

const applied = [
  step('acceptor/cluster-01/consul/cluster-02', 'done'),
  step('dialer/cluster-02/consul/cluster-01', 'done'),
  step('export/cluster-02/default', 'unchanged'),
];
const plain = paint(false);

describe('run summary', () => {
  it('counts a failed verification as failed, and names how many peerings failed it', () => {
    const failing = record(
      'failed',
      [...applied, step('verify/cluster-01/default/cluster-02/default', 'failed')],
      'verify/cluster-01/default/cluster-02/default: cluster-01 imports nothing, expected static-server',
    );
    expect(runSummary(failing, plain)).toBe(
      'run run-1 failed in 31.0 s: 2 changed, 1 unchanged, 1 failed, 0 skipped; 0 peerings verified, 1 failed verification\n' +
        '  failing step verify/cluster-01/default/cluster-02/default: cluster-01 imports nothing, expected static-server',
    );
  });

  it('says nothing of failed verification when every peering verified', () => {
    const ok = record('succeeded', [
      ...applied,
      step('verify/cluster-01/default/cluster-02/default', 'done'),
    ]);
    expect(runSummary(ok, plain)).toBe(
      'run run-1 succeeded in 31.0 s: 2 changed, 1 unchanged, 0 failed, 0 skipped; 1 peering verified',
    );
  });

  it('never counts a skipped verification as verified', () => {
    const skipped = record(
      'failed',
      [
        step('dialer/cluster-02/consul/cluster-01', 'failed'),
        step('verify/cluster-01/default/cluster-02/default', 'skipped'),
      ],
      'dialer/cluster-02/consul/cluster-01: refused',
    );
    expect(runSummary(skipped, plain)).toContain(
      '0 changed, 0 unchanged, 1 failed, 1 skipped; 0 peerings verified',
    );
  });
});

describe('meshpeer/apply commit status', () => {
  it('says how many peerings failed verification', () => {
    const failing = record(
      'failed',
      [...applied, step('verify/cluster-01/default/cluster-02/default', 'failed')],
      'verify/cluster-01/default/cluster-02/default: cluster-01 imports nothing',
    );
    expect(applyStatusFor(failing)).toMatchObject({
      state: 'failure',
      description:
        'run run-1 failed (1 peering failed verification): verify/cluster-01/default/cluster-02/default: cluster-01 imports nothing',
    });
  });

  it('counts only passed verifications as verified', () => {
    const ok = record('succeeded', [
      ...applied,
      step('verify/cluster-01/default/cluster-02/default', 'done'),
      step('verify/cluster-01/default/cluster-03/default', 'skipped'),
    ]);
    expect(applyStatusFor(ok)?.description).toBe('applied: 2 steps changed, 1 peering verified');
  });
});
