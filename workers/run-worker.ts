/**
 * The run worker: takes run jobs off the runs queue and runs each target's latest request, handing
 * steps to the step workers. Its queues, cluster access and log sink come from the composition root
 * (src/app/start-workers.ts).
 */
import { type Job, Worker } from 'bullmq';
import { RUNS_QUEUE } from '../src/run/queues.ts';
import { processRunJob, type RunJobDeps } from '../src/run/run-job.ts';
import type { WorkerSettings } from '../src/run/worker-settings.ts';

/** Starts the run worker; `concurrency` targets run at once in this process. */
export function startRunWorker(settings: WorkerSettings, deps: RunJobDeps, concurrency: number): Worker {
  return new Worker(RUNS_QUEUE, (job: Job) => processRunJob(job, deps), {
    ...settings,
    concurrency,
    // A run resumes after each crash, so a few crashes during one run must not fail it.
    maxStalledCount: 10,
  });
}
