/**
 * Dispatches steps as BullMQ jobs and waits for them. Job ids are deterministic per run, pass and
 * step, so re-dispatching after an orchestrator crash finds the existing job instead of adding one.
 */
import { Job } from 'bullmq';
import type { Topology } from '../topology/index.ts';
import type { StepJobResult } from './job-outcome.ts';
import { type Queues, safeJobId } from './queues.ts';
import { type RetryPolicy, stepDeadline } from './retry-policy.ts';
import type { StepDispatcher } from './step-dispatcher.ts';
import { clustersOf, type StepJobData } from './step-job.ts';
import type { StepResult } from './step-result.ts';

/** A dispatcher on the steps queue for one topology. */
export function createBullmqDispatcher(
  queues: Queues,
  topology: Topology,
  policy: RetryPolicy,
): StepDispatcher {
  return {
    async dispatch(step, context) {
      const started = Date.now();
      const deadline = stepDeadline(step, policy, started);
      const data: StepJobData = {
        runId: context.runId,
        planHash: context.planHash,
        step,
        clusters: clustersOf(step, topology),
        acls: topology.acls,
        deadline,
      };
      const job = await queues.steps.add(step.kind, data, {
        jobId: safeJobId(context.runId, `p${context.pass}`, step.id),
        attempts: policy.attempts,
        backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
        removeOnComplete: { age: 3600, count: 5000 },
        removeOnFail: { age: 86_400, count: 5000 },
      });
      const base = { id: step.id, kind: step.kind, lane: step.lane, action: step.action };
      const attempts = async () => {
        const latest = job.id === undefined ? undefined : await Job.fromId(queues.steps, job.id);
        return Math.max(1, latest?.attemptsStarted ?? latest?.attemptsMade ?? 1);
      };
      // The step worker reports each wait as job progress (job-outcome.ts).
      const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
        const waiting = (data as { waiting?: unknown } | null)?.waiting;
        if (jobId === job.id && typeof waiting === 'string') context.onWaiting?.(waiting);
      };
      if (context.onWaiting !== undefined) queues.stepEvents.on('progress', onProgress);
      try {
        const result = (await job.waitUntilFinished(queues.stepEvents)) as StepJobResult;
        return {
          ...base,
          status: result.status,
          detail: result.detail,
          attempts: await attempts(),
          durationMs: Date.now() - started,
          ...(result.data && { data: result.data }),
        } satisfies StepResult;
      } catch (err) {
        return {
          ...base,
          status: 'failed',
          detail: (err as Error).message,
          attempts: await attempts(),
          durationMs: Date.now() - started,
        } satisfies StepResult;
      } finally {
        queues.stepEvents.off('progress', onProgress);
      }
    },
  };
}
