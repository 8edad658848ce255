/**
 * The poller: one BullMQ Job Scheduler per tracked repository and branch (idempotent on redeploy,
 * one pending poll job at a time), and a worker that runs `pollRepo`. A random delay before the
 * ref listing spreads many meshpeer instances' requests over time, so the Git server sees no herd.
 */
import { type Job, Queue, Worker } from 'bullmq';
import { bullConnection, quietRedisErrors, releaseBullConnection } from '../io/redis-connection.ts';
import { QUEUE_PREFIX, safeJobId } from '../run/queues.ts';
import { redact } from '../secrets/redact.ts';
import type { GitSources } from './git-source-loader.ts';
import { pruneJobSchedulers } from './job-schedulers.ts';
import { type PollOutcome, pollRepo } from './poll-repo.ts';
import type { SyncDeps } from './sync-request.ts';
import type { TrackedRepo } from './tracked-repo.ts';

/** The BullMQ queue of poll jobs. */
export const POLLS_QUEUE = 'polls';

/** Poller settings. */
export interface PollerOptions {
  readonly redisUrl: string;
  /** Queue key prefix (default `meshpeer`). */
  readonly prefix?: string;
  readonly repos: readonly TrackedRepo[];
  readonly sources: GitSources;
  readonly sync: SyncDeps;
  readonly intervalMs: number;
  /** Upper bound of the random delay before each ref listing (default: a tenth of the interval, at most 10 s). */
  readonly jitterMs?: number;
  readonly onPoll?: (repo: TrackedRepo, outcome: PollOutcome) => void;
  /** Where errors other than Redis being away are reported (default: one line on stderr). */
  readonly onError?: (line: string) => void;
}

/** A running poller. */
export interface Poller {
  /** Polls one repository now, outside the schedule (for tests and `readyz`-style checks). */
  pollNow(target: string): Promise<PollOutcome>;
  close(): Promise<void>;
}

const schedulerId = (repo: TrackedRepo) => safeJobId('poll', repo.target);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stderrLine = (line: string) => process.stderr.write(`meshpeer: ${redact(line)}\n`);

/** Upserts the schedulers and starts the poll worker. */
export async function startPoller(options: PollerOptions): Promise<Poller> {
  const connection = bullConnection(options.redisUrl);
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const report = (err: Error) => (options.onError ?? stderrLine)(`poller: ${err.message.split('\n')[0]}`);
  const queue = new Queue(POLLS_QUEUE, { connection, prefix });
  quietRedisErrors([queue], report);
  const jitter = options.jitterMs ?? Math.min(10_000, Math.floor(options.intervalMs / 10));
  const poll = async (target: string): Promise<PollOutcome> => {
    const repo = options.repos.find((r) => r.target === target);
    if (repo === undefined) return { result: 'error', error: `target ${target} is not tracked here` };
    const outcome = await pollRepo(options.sync, repo, options.sources.source(repo.url, repo.branch));
    options.onPoll?.(repo, outcome);
    return outcome;
  };
  for (const repo of options.repos)
    await queue.upsertJobScheduler(
      schedulerId(repo),
      { every: options.intervalMs },
      { name: 'poll', data: { target: repo.target }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  await pruneJobSchedulers(queue, new Set(options.repos.map(schedulerId)));
  const worker = new Worker(
    POLLS_QUEUE,
    async (job: Job) => {
      if (jitter > 0) await sleep(Math.floor(Math.random() * jitter));
      return poll((job.data as { target: string }).target);
    },
    { connection, prefix, concurrency: 4 },
  );
  quietRedisErrors([worker], report);
  await worker.waitUntilReady();
  return {
    pollNow: poll,
    async close() {
      await worker.close();
      await queue.close();
      releaseBullConnection(connection);
    },
  };
}

/** Removes every poll scheduler, when polling is turned off. */
export async function removePollSchedulers(redisUrl: string, prefix = QUEUE_PREFIX): Promise<void> {
  const connection = bullConnection(redisUrl);
  const queue = new Queue(POLLS_QUEUE, { connection, prefix });
  quietRedisErrors([queue], (err) => stderrLine(`poller: ${err.message.split('\n')[0]}`));
  try {
    await pruneJobSchedulers(queue, new Set());
  } finally {
    await queue.close();
    releaseBullConnection(connection);
  }
}
