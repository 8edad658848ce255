/**
 * The revisions meshpeer has seen and applied per target, in Redis so every serve process and
 * restart agree. "Seen" is the newest commit a run was requested for (by webhook or poll), which
 * is what the poller compares the branch head with.
 */
import type { RedisClient } from '../io/redis-endpoint.ts';

/** What is known about a target's revisions. */
export interface TargetRevisions {
  readonly seen?: string;
  readonly seenAt?: string;
  readonly applied?: string;
  readonly appliedAt?: string;
}

// Sets seen only when it still holds the value the caller read, so a slow poll cannot overwrite
// the newer commit a webhook recorded meanwhile.
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'seen')
if (current or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'seen', ARGV[2], 'seenAt', ARGV[3])
return 1`;

/** Seen and applied revisions in one Redis hash per target. */
export class RevisionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'meshpeer',
  ) {}

  private key(target: string): string {
    return `${this.prefix}:gitops:target:${target}:revisions`;
  }

  async get(target: string): Promise<TargetRevisions> {
    const h = await this.redis.hgetall(this.key(target));
    return {
      ...(h.seen !== undefined && { seen: h.seen }),
      ...(h.seenAt !== undefined && { seenAt: h.seenAt }),
      ...(h.applied !== undefined && { applied: h.applied }),
      ...(h.appliedAt !== undefined && { appliedAt: h.appliedAt }),
    };
  }

  /** Records `sha` as seen unconditionally (a webhook names the new head itself). */
  async markSeen(target: string, sha: string): Promise<void> {
    await this.redis.hset(this.key(target), 'seen', sha, 'seenAt', new Date().toISOString());
  }

  /** Records `sha` as seen only if seen is still `expected` ('' for none); true when it was set. */
  async markSeenIf(target: string, expected: string, sha: string): Promise<boolean> {
    const set = await this.redis.eval(
      COMPARE_AND_SET,
      1,
      this.key(target),
      expected,
      sha,
      new Date().toISOString(),
    );
    return set === 1;
  }

  async markApplied(target: string, sha: string): Promise<void> {
    await this.redis.hset(this.key(target), 'applied', sha, 'appliedAt', new Date().toISOString());
  }
}
