import type { Job } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { ConsulError } from '../../src/consul/consul-client.ts';
import { createServiceLogger, emitLog } from '../../src/io/service-logger.ts';
import { openQueues } from '../../src/run/queues.ts';
import { defaultRetryPolicy } from '../../src/run/retry-policy.ts';
import { processRunJob } from '../../src/run/run-job.ts';
import { runEndLog, runInterruptedLog, runStartLog } from '../../src/run/run-log-fields.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { newRunId, requestRun } from '../../src/run/run-requests.ts';
import type { StepResult } from '../../src/run/step-result.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { captureLines } from '../app/capture-lines.ts';

const SECRET = 'peering-secret-for-run-log-42';
registerSecret(SECRET);

const step = (
  id: string,
  kind: StepResult['kind'],
  status: StepResult['status'],
  detail: string,
): StepResult => ({
  id,
  kind,
  lane: 'dc2',
  action: 'create',
  status,
  detail,
  attempts: 1,
  durationMs: 5,
});

const base: RunRecord = {
  id: 'run-1',
  target: 'acme/mesh@main',
  revision: 'a'.repeat(40),
  trigger: { kind: 'webhook', provider: 'github', deliveryId: 'd-1' },
  status: 'succeeded',
  startedAt: '2025-01-01T10:00:00.000Z',
  finishedAt: '2025-01-01T10:00:42.500Z',
  passes: 2,
  steps: [step('acceptor:dc1-dc2', 'acceptor', 'done', 'created')],
};

function logged(record: ReturnType<typeof runEndLog>): Record<string, unknown> {
  const out = captureLines();
  emitLog(createServiceLogger('serve', 'info', out).event, record);
  expect(out.lines).toHaveLength(1);
  expect(out.lines[0]).not.toContain(SECRET);
  return out.records()[0] ?? {};
}

describe('run log lines', () => {
  it('start names target, run, commit and trigger', () => {
    const line = logged(runStartLog({ ...base, runId: base.id }));
    expect(line).toMatchObject({
      level: 30,
      event: 'run.start',
      target: 'acme/mesh@main',
      runId: 'run-1',
      commit: base.revision,
      trigger: { kind: 'webhook', provider: 'github', deliveryId: 'd-1' },
    });
    expect(line).not.toHaveProperty('resumed');
  });

  it('end of a succeeded run has result and duration and no failure', () => {
    const line = logged(runEndLog(base));
    expect(line).toMatchObject({
      level: 30,
      event: 'run.end',
      runId: 'run-1',
      commit: base.revision,
      result: 'succeeded',
      durationMs: 42_500,
      passes: 2,
      steps: { total: 1, failed: 0 },
    });
    for (const key of ['failingStep', 'failure', 'errorKind']) expect(line).not.toHaveProperty(key);
  });

  it('end of a failed run names the failing step and the kind of failure, and never a secret', () => {
    const detail = `cluster dc2: the Kubernetes API at https://10.0.0.2:6443 refused the connection (create PeeringDialer); token ${SECRET}`;
    const record: RunRecord = {
      ...base,
      status: 'failed',
      trigger: { kind: 'retry', of: 'run-0', attempt: 2 },
      steps: [
        ...base.steps,
        step('dialer:dc2-dc1', 'dialer', 'failed', detail),
        step('verify:dc1-dc2', 'verify', 'skipped', 'dependency failed'),
      ],
      failure: `dialer:dc2-dc1: ${detail}`,
    };
    const line = logged(runEndLog(record));
    expect(line).toMatchObject({
      level: 40,
      result: 'failed',
      durationMs: 42_500,
      trigger: { kind: 'retry', of: 'run-0', attempt: 2 },
      failingStep: 'dialer:dc2-dc1',
      failingStepKind: 'dialer',
      failingLane: 'dc2',
      errorKind: 'refused',
      steps: { total: 3, failed: 1 },
    });
    expect(String(line.failure)).toContain('[redacted]');
    expect(String(line.msg)).toContain('at step dialer:dc2-dc1');
  });

  it('counts drift reasons instead of copying them', () => {
    const line = logged(
      runStartLog({ ...base, runId: 'r', trigger: { kind: 'drift', reasons: ['a', 'b'] } }, true),
    );
    expect(line).toMatchObject({ trigger: { kind: 'drift', reasons: 2 }, resumed: true });
  });

  it('an interrupted run keeps the classification of its error: refused is not a 500', () => {
    const err = new ConsulError(0, `consul unreachable via http://127.0.0.1:1: ECONNREFUSED ${SECRET}`);
    const line = logged(runInterruptedLog({ ...base, runId: 'run-1' }, err));
    expect(line).toMatchObject({
      level: 40,
      event: 'run.interrupted',
      errorKind: 'refused',
      transient: true,
    });
    expect(line).not.toHaveProperty('httpStatus');
  });
});

describe('run job logging (real Redis)', () => {
  const url = inject('redisUrl');
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('logs one run.start and one run.end for a run that fails on an invalid file', async () => {
    const prefix = `run-log-${process.pid}-${Date.now()}`;
    const queues = await openQueues(url, prefix);
    closers.push(() => queues.close());
    const target = 'invalid-target';
    const runId = newRunId();
    await requestRun(queues.redis, queues.runs, {
      runId,
      target,
      revision: 'b'.repeat(40),
      trigger: { kind: 'sync', via: 'cli' },
      source: { kind: 'inline', fileName: 'peerings.yaml', content: 'clusters: [oops' },
      requestedAt: new Date().toISOString(),
    });
    const out = captureLines();
    const events = createServiceLogger('worker', 'info', out).event;
    const job = { data: { target } } as unknown as Job;
    const record = await processRunJob(job, {
      queues,
      policy: defaultRetryPolicy,
      access: kubeClusterAccess(),
      events,
    });
    expect(record?.status).toBe('failed');
    expect(out.records().map((r) => r.event)).toEqual(['run.start', 'run.end']);
    expect(out.events('run.start')[0]).toMatchObject({
      runId,
      target,
      trigger: { kind: 'sync', via: 'cli' },
    });
    expect(out.events('run.end')[0]).toMatchObject({
      runId,
      result: 'failed',
      errorKind: 'invalid',
      steps: { total: 0, failed: 0 },
    });
  });
});
