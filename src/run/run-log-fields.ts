/**
 * The fields of the structured `run.start` and `run.end` log lines: which target, run, commit and
 * trigger, and at the end the result, duration, failing step and the kind of failure. Only
 * identifiers, counts and the record's already redacted failure text; never a token.
 */

import type { LogRecord } from '../io/service-logger.ts';
import { redact } from '../secrets/redact.ts';
import { classifyError } from './error-class.ts';
import { classifyFailure, classifyFailureText } from './error-kind.ts';
import type { RunRecord, RunTrigger } from './run-record.ts';
import type { StepResult } from './step-result.ts';

/** A run trigger as log fields: its kind and its detail (drift reasons only counted). */
export function triggerFields(trigger: RunTrigger): Record<string, unknown> {
  switch (trigger.kind) {
    case 'webhook':
      return { kind: trigger.kind, provider: trigger.provider, deliveryId: trigger.deliveryId };
    case 'pull-request':
      return { kind: trigger.kind, provider: trigger.provider, number: trigger.number };
    case 'sync':
      return { kind: trigger.kind, via: trigger.via };
    case 'drift':
      return { kind: trigger.kind, reasons: trigger.reasons.length };
    case 'retry':
      return { kind: trigger.kind, of: trigger.of, attempt: trigger.attempt };
    case 'cli':
      return { kind: trigger.kind, ...(trigger.user !== undefined && { user: trigger.user }) };
    case 'poll':
      return { kind: trigger.kind };
  }
}

/** What identifies a run in both of its lines. */
export interface RunIdentityFields {
  readonly runId: string;
  readonly target: string;
  readonly revision: string;
  readonly trigger: RunTrigger;
}

function identity(run: RunIdentityFields): Record<string, unknown> {
  return { target: run.target, runId: run.runId, commit: run.revision, trigger: triggerFields(run.trigger) };
}

/** The `run.start` line; `resumed` when another worker's crashed run is taken up again. */
export function runStartLog(run: RunIdentityFields, resumed = false): LogRecord {
  return {
    name: 'run.start',
    fields: { ...identity(run), ...(resumed && { resumed: true }) },
    options: {
      msg: `run ${run.runId} of ${run.target} at ${run.revision.slice(0, 12)} ${resumed ? 'resumed' : 'started'} (${run.trigger.kind})`,
    },
  };
}

/** The step that failed the run: the first failed one, else the first that did not succeed. */
export function failingStep(steps: readonly StepResult[]): StepResult | undefined {
  return (
    steps.find((s) => s.status === 'failed') ??
    steps.find((s) => s.status !== 'done' && s.status !== 'unchanged')
  );
}

function durationOf(record: RunRecord): number | undefined {
  if (record.finishedAt === undefined) return undefined;
  const ms = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** The first line of a failure, bounded, so one line stays one line. */
function failureLine(failure: string): string {
  const first = failure.split('\n')[0] ?? failure;
  const rest = failure.includes('\n') ? ` (+${failure.split('\n').length - 1} lines)` : '';
  return `${redact(first).slice(0, 500)}${rest}`;
}

function failureFields(record: RunRecord): Record<string, unknown> {
  const step = record.status === 'failed' ? failingStep(record.steps) : undefined;
  const failure = record.failure;
  const cause = step?.detail ?? failure;
  return {
    ...(step !== undefined && { failingStep: step.id, failingStepKind: step.kind, failingLane: step.lane }),
    ...(failure !== undefined && { failure: failureLine(failure) }),
    ...(record.status === 'failed' && cause !== undefined && classifyFailureText(cause)),
    ...(record.errors !== undefined &&
      record.errors.length > 0 && { preconditionsFailed: record.errors.length }),
  };
}

/** The `run.end` line of a finished run record: result, duration, failing step, failure kind. */
export function runEndLog(record: RunRecord): LogRecord {
  const durationMs = durationOf(record);
  const step = record.status === 'failed' ? failingStep(record.steps) : undefined;
  const steps = {
    total: record.steps.length,
    failed: record.steps.filter((s) => s.status === 'failed').length,
  };
  const took = durationMs === undefined ? '' : ` in ${durationMs} ms`;
  return {
    name: 'run.end',
    fields: {
      ...identity({ ...record, runId: record.id }),
      result: record.status,
      ...(durationMs !== undefined && { durationMs }),
      passes: record.passes,
      ...(record.resumes !== undefined && { resumes: record.resumes }),
      steps,
      ...failureFields(record),
    },
    options: {
      level: record.status === 'failed' ? 'warn' : 'info',
      msg: `run ${record.id} of ${record.target} ${record.status}${took}${step === undefined ? '' : ` at step ${step.id}`}`,
    },
  };
}

/**
 * The `run.interrupted` line: the run's worker failed outside the run's own steps (Redis away,
 * a crash in the orchestrator); the job is retried and the run resumes with a new `run.start`.
 */
export function runInterruptedLog(run: RunIdentityFields, err: unknown): LogRecord {
  const { transient, message } = classifyError(err);
  return {
    name: 'run.interrupted',
    fields: { ...identity(run), error: failureLine(message), ...classifyFailure(err), transient },
    options: { level: 'warn', msg: `run ${run.runId} of ${run.target} interrupted: ${failureLine(message)}` },
  };
}
