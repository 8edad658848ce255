/**
 * What the service knows about keeping a target in sync, in one Redis hash per target: the last
 * periodic check (result and reasons), when the next is due, and the retry waiting after a failed
 * run. Shared by every serve process, so the status page and a second
 * replica agree.
 */
import type { RedisClient } from '../io/redis-endpoint.ts';
import type { ReconcileStatus } from './status-snapshot.ts';

/** The outcome of one periodic check. */
export interface CheckResult {
  readonly at: string;
  readonly result: 'in-sync' | 'drift' | 'error';
  readonly reasons: readonly string[];
}

/** Reconcile facts of each target. */
export class ReconcileState {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'meshpeer',
  ) {}

  private key(target: string): string {
    return `${this.prefix}:gitops:target:${target}:reconcile`;
  }

  /** What the checks and retries recorded for a target (what any process can read back). */
  async observed(target: string): Promise<Omit<ReconcileStatus, 'intervalMs' | 'selfHeal'>> {
    const h = await this.redis.hgetall(this.key(target));
    return {
      ...(h.checkAt !== undefined && {
        lastCheck: {
          at: h.checkAt,
          result: (h.checkResult ?? 'error') as CheckResult['result'],
          reasons: JSON.parse(h.checkReasons ?? '[]') as string[],
        },
      }),
      ...(h.nextCheckAt !== undefined && { nextCheckAt: h.nextCheckAt }),
      ...(h.retryOf !== undefined &&
        h.retryAt !== undefined && {
          retry: { of: h.retryOf, attempt: Number(h.retryAttempt ?? 1), at: h.retryAt },
        }),
    };
  }

  /** The status of a target under the given settings. */
  async status(
    target: string,
    settings: { intervalMs: number; selfHeal: boolean },
  ): Promise<ReconcileStatus> {
    const { nextCheckAt, ...observed } = await this.observed(target);
    return {
      intervalMs: settings.intervalMs,
      selfHeal: settings.selfHeal,
      ...observed,
      ...(nextCheckAt !== undefined && settings.intervalMs > 0 && { nextCheckAt }),
    };
  }

  async recordCheck(target: string, check: CheckResult, nextCheckAt?: string): Promise<void> {
    await this.redis.hset(this.key(target), {
      checkAt: check.at,
      checkResult: check.result,
      checkReasons: JSON.stringify(check.reasons),
      ...(nextCheckAt !== undefined && { nextCheckAt }),
    });
  }

  /** A successful run ends any waiting retry. */
  async runSucceeded(target: string): Promise<void> {
    await this.redis.hdel(this.key(target), 'retryOf', 'retryAt', 'retryAttempt');
  }

  async setRetry(target: string, retry: { of: string; attempt: number; at: string }): Promise<void> {
    await this.redis.hset(this.key(target), {
      retryOf: retry.of,
      retryAttempt: String(retry.attempt),
      retryAt: retry.at,
    });
  }

  /** Clears the waiting retry when it still is the one for `of`. */
  async clearRetry(target: string, of: string): Promise<void> {
    if ((await this.redis.hget(this.key(target), 'retryOf')) === of)
      await this.redis.hdel(this.key(target), 'retryOf', 'retryAt', 'retryAttempt');
  }

  /** Whether a retry is waiting (then self-heal leaves the repair to it). */
  async retryPending(target: string): Promise<boolean> {
    return (await this.redis.hexists(this.key(target), 'retryOf')) === 1;
  }
}
