/** The BullMQ settings both of meshpeer's workers share. */
import type { ConnectionOptions } from 'bullmq';

/** Connection, key prefix and job lock of a worker. */
export interface WorkerSettings {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  /** How long a job's lock lasts; a crashed worker's job is retried after about this long. */
  readonly lockDuration: number;
  readonly stalledInterval: number;
}

/** Settings for a worker on `connection`; stalled jobs are looked for twice per lock. */
export function workerSettings(
  connection: ConnectionOptions,
  prefix: string,
  lockDuration: number,
): WorkerSettings {
  return { connection, prefix, lockDuration, stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)) };
}
