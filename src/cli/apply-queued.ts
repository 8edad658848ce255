/** `apply` through Redis: request a run, optionally run workers here, and follow the run record. */

import { startWorkers } from '../app/start-workers.ts';
import { isRedisConnectionError, RedisUnavailableError, redisLost } from '../io/redis-error.ts';
import { displayRedisUrl, redisUrlFrom } from '../io/redis-url.ts';
import { openQueues, QUEUE_PREFIX, type Queues } from '../run/queues.ts';
import { RedisRunStore } from '../run/redis-run-store.ts';
import type { RunRecord } from '../run/run-record.ts';
import { latestRequest, newRunId, requestRun } from '../run/run-requests.ts';
import type { Topology } from '../topology/index.ts';
import type { ClusterOptions } from './cluster-options.ts';
import { colorEnabled, err, out, paint } from './output.ts';
import { laneWidth, stepLine } from './run-progress.ts';

/** What a queued apply needs. */
export interface QueuedApply {
  readonly topology: Topology;
  readonly fileName: string;
  readonly content: string;
  readonly access: ClusterOptions;
  readonly json: boolean;
  readonly wait: boolean;
  readonly localWorker: boolean;
  readonly target: string;
  readonly redisUrl: string | undefined;
  /** The run fails on exported services missing from their partition's catalog (`--strict`). */
  readonly strict?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long apply lets its queues close once Redis is gone. BullMQ's event stream may never close
 * then (disconnecting an ioredis client between reconnect attempts emits no 'end'), and with no
 * timer left the process would exit 13 without printing why.
 */
const LOST_CLOSE_MS = 2000;

/** Closes the queues, giving up on them after LOST_CLOSE_MS when Redis was lost. */
async function closeQueues(queues: Queues, lost: boolean): Promise<void> {
  if (!lost) return queues.close();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, LOST_CLOSE_MS);
  });
  await Promise.race([queues.close().catch(() => {}), late]);
  clearTimeout(timer);
}

/** Requests the run and, when waiting, follows it to the end (a newer request's run if superseded). */
export async function applyThroughQueue(a: QueuedApply): Promise<RunRecord | undefined> {
  // An empty REDIS_URL counts as unset (docs/running.md), never as localhost.
  const url = redisUrlFrom(a.redisUrl, {});
  if (url === undefined)
    throw new RedisUnavailableError(
      'unset',
      'apply needs Redis: set REDIS_URL or pass --redis-url, or run with --inline',
    );
  // A command, not a service: connections give up after a few reconnects so apply ends.
  const queues = await openQueues(url, QUEUE_PREFIX, { role: 'command' });
  let failed = false;
  let lost = false;
  try {
    const workers =
      a.wait && a.localWorker
        ? await startWorkers({ redisUrl: url, overrides: a.access.overrides, queues, role: 'command' })
        : undefined;
    try {
      return await requestAndFollow(a, queues, workers !== undefined);
    } catch (err) {
      failed = true;
      lost = isRedisConnectionError(err);
      throw lost ? redisLost(displayRedisUrl(url), 'applying') : err;
    } finally {
      // With Redis gone the active run job can never finish, so do not wait for it.
      await workers?.close(failed);
    }
  } finally {
    await closeQueues(queues, lost);
  }
}

async function requestAndFollow(
  a: QueuedApply,
  queues: Queues,
  localWorkers: boolean,
): Promise<RunRecord | undefined> {
  const c = paint(colorEnabled());
  let runId = newRunId();
  await requestRun(queues.redis, queues.runs, {
    runId,
    target: a.target,
    revision: 'working-tree',
    trigger: { kind: 'cli' },
    source: { kind: 'inline', fileName: a.fileName, content: a.content },
    requestedAt: new Date().toISOString(),
  });
  if (!a.json)
    err(
      c.gray(
        `requested run ${runId} for target ${a.target}${localWorkers ? ' (workers running in this process)' : ''}`,
      ),
    );
  if (!a.wait) return undefined;
  const store = new RedisRunStore(queues.redis, queues.prefix);
  let shown = 0;
  for (;;) {
    const record = await store.get(runId);
    for (const step of record?.steps.slice(shown) ?? [])
      if (!a.json) out(stepLine(step, c, laneWidth(a.topology)));
    shown = record?.steps.length ?? shown;
    if (record !== undefined && record.status !== 'running') return record;
    const latest = await latestRequest(queues.redis, a.target, queues.prefix);
    if (record === undefined && latest !== undefined && latest.runId !== runId) {
      if (!a.json) err(c.yellow(`run ${runId} was coalesced into newer run ${latest.runId}; following it`));
      runId = latest.runId;
      shown = 0;
    }
    await sleep(200);
  }
}
