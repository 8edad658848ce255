/**
 * The step worker: takes step jobs off the steps queue and runs each one's executor. Its cluster
 * access and Redis settings come from the composition root (src/app/start-workers.ts).
 */
import { Worker } from 'bullmq';
import type { ClusterAccess } from '../src/run/cluster-access.ts';
import { STEPS_QUEUE } from '../src/run/queues.ts';
import { stepProcessor } from '../src/run/step-processor.ts';
import type { WorkerSettings } from '../src/run/worker-settings.ts';

/** Starts the step worker; `concurrency` steps run at once in this process. */
export function startStepWorker(
  settings: WorkerSettings,
  access: ClusterAccess,
  concurrency: number,
): Worker {
  // A step is retried by its run, so a step job whose worker died a few times is given up.
  return new Worker(STEPS_QUEUE, stepProcessor(access), { ...settings, concurrency, maxStalledCount: 3 });
}
