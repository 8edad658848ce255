/**
 * Follows finished runs through the runs queue's event stream, wherever the run worker ran (this
 * process or a separate `meshpeer worker`): the run job returns its record, and the stream
 * carries it. Used for `meshpeer/apply` statuses, applied revisions and metrics.
 */
import { QueueEvents } from 'bullmq';
import { bullConnection, quietRedisErrors, releaseBullConnection } from '../io/redis-connection.ts';
import { RUNS_QUEUE } from '../run/queues.ts';
import type { RunRecord } from '../run/run-record.ts';

/** A listener that stops with `close`. */
export interface RunCompletions {
  close(): Promise<void>;
}

function isRunRecord(value: unknown): value is RunRecord {
  const v = value as Partial<RunRecord> | null;
  return typeof v?.id === 'string' && typeof v.target === 'string' && typeof v.status === 'string';
}

/**
 * Calls `onRecord` with every finished run's record; errors in the callback are reported, not
 * thrown. Redis being away is not reported here (openQueues watches it); the stream resumes.
 */
export async function followRunCompletions(
  redisUrl: string,
  prefix: string,
  onRecord: (record: RunRecord) => Promise<void>,
  onError: (err: unknown) => void = () => {},
): Promise<RunCompletions> {
  const connection = bullConnection(redisUrl);
  const events = new QueueEvents(RUNS_QUEUE, { connection, prefix });
  quietRedisErrors([events], onError);
  events.on('completed', ({ returnvalue }) => {
    if (isRunRecord(returnvalue)) onRecord(returnvalue).catch(onError);
  });
  await events.waitUntilReady();
  return {
    async close() {
      await events.close();
      releaseBullConnection(connection);
    },
  };
}
