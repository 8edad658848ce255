/**
 * Keeping a queue's job schedulers to the targets followed now: a target renamed or dropped from
 * the configuration would otherwise keep its poll or check scheduler firing for ever, as BullMQ
 * keeps schedulers in Redis across restarts.
 */
import type { Queue } from 'bullmq';

/** Removes every scheduler of `queue` whose id is not in `keep`; returns the ids removed. */
export async function pruneJobSchedulers(queue: Queue, keep: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const id = scheduler.key;
    if (keep.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed.push(id);
  }
  return removed;
}
