/**
 * The chaos run's own account of what it requested, checked at the end against the run history:
 * every request either has a finished record or was coalesced into a later request of the target
 * (the run worker always takes the target's latest request), and none is stuck in `running`.
 */
import type { Queues } from '../../src/run/queues.ts';
import type { RunRecord, RunStore } from '../../src/run/run-record.ts';
import { newRunId, requestRun } from '../../src/run/run-requests.ts';

/** One request the chaos run made. */
export interface RequestedRun {
  readonly runId: string;
  readonly revision: string;
  readonly requestedAt: number;
}

/** How the requested runs ended. */
export interface RunsReport {
  readonly requested: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests that never got a record because a later request of the target took their place. */
  readonly coalesced: number;
  /** Records still `running` (an orchestrator died and nobody closed its record). */
  readonly stuck: string[];
  /** Failed records without a reason. */
  readonly failedWithoutReason: string[];
  /** The last request has no record: it was lost. */
  readonly lost: string[];
  /** Requests retried because Redis refused them (it was restarting). */
  readonly retriedRequests: number;
  /** Distinct reasons of failed and superseded runs (first line, shortened). */
  readonly reasons: string[];
}

/** Requests runs for one target and keeps the list. */
export class RunLedger {
  readonly requests: RequestedRun[] = [];
  retried = 0;

  constructor(
    private readonly queues: Queues,
    private readonly target: string,
  ) {}

  /** Requests a run of `content`, retrying (as a webhook sender would redeliver) while Redis is away. */
  async request(revision: string, fileName: string, content: string, deadlineMs = 60_000): Promise<string> {
    const runId = newRunId();
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      try {
        await requestRun(this.queues.redis, this.queues.runs, {
          runId,
          target: this.target,
          revision,
          trigger: { kind: 'cli', user: 'chaos' },
          source: { kind: 'inline', fileName, content },
          requestedAt: new Date().toISOString(),
        });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        this.retried++;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.requests.push({ runId, revision, requestedAt: Date.now() });
    return runId;
  }

  /** Waits until the run has a finished record (bounded); undefined when it never finished. */
  async finished(store: RunStore, runId: string, timeoutMs: number): Promise<RunRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const record = await store.get(runId).catch(() => undefined);
      if (record !== undefined && record.status !== 'running') return record;
      await new Promise((r) => setTimeout(r, 250));
    }
    return undefined;
  }

  /** Checks every request against the history. */
  async report(store: RunStore): Promise<RunsReport> {
    const byStatus: Record<string, number> = {};
    const stuck: string[] = [];
    const failedWithoutReason: string[] = [];
    const lost: string[] = [];
    const reasons = new Set<string>();
    let coalesced = 0;
    for (const [i, req] of this.requests.entries()) {
      const record = await store.get(req.runId);
      if (record === undefined) {
        if (i === this.requests.length - 1) lost.push(req.runId);
        else coalesced++;
        continue;
      }
      byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
      if (record.status === 'running') stuck.push(`${req.runId} (${req.revision})`);
      if (record.status === 'failed' && !record.failure) failedWithoutReason.push(req.runId);
      if (record.failure) reasons.add(`${record.status}: ${record.failure.split('\n')[0]?.slice(0, 160)}`);
    }
    return {
      requested: this.requests.length,
      byStatus,
      coalesced,
      stuck,
      failedWithoutReason,
      lost,
      retriedRequests: this.retried,
      reasons: [...reasons].sort(),
    };
  }
}
