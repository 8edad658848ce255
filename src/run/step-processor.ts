/** The step worker's processor: one step job is one executor call over the clusters its data names. */
import type { Job } from 'bullmq';
import { execute } from '../steps/executors.ts';
import type { StepOutcome } from '../steps/step-outcome.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { settleError, settleOutcome } from './job-outcome.ts';
import type { StepJobData } from './step-job.ts';

/** The processor of the steps queue, reaching clusters through `access`. */
export function stepProcessor(access: ClusterAccess) {
  return async (job: Job, token?: string) => {
    const data = job.data as StepJobData;
    let outcome: StepOutcome;
    try {
      outcome = await execute(data.step, access.stepContext(data.clusters, data.acls));
    } catch (err) {
      settleError(err);
    }
    return settleOutcome(job, token, outcome, data.deadline, Date.now());
  };
}
