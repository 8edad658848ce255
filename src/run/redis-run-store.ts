/**
 * Run history in Redis: one key per run (JSON) and capped lists of run ids, newest first: one per
 * target and one of all runs.
 * Records are written by the run's single orchestrator, so there is no concurrent writer.
 */
import type { RedisClient } from '../io/redis-endpoint.ts';
import type { RunRecord, RunStore } from './run-record.ts';

/** Appends the ids to an empty list (one key, so one slot on a Cluster too). */
const ADOPT = "if redis.call('LLEN', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[1], unpack(ARGV)) end";

/** A RunStore on Redis keeping the last `max` runs. */
export class RedisRunStore implements RunStore {
  /** Targets whose runs from before per-target histories were looked for already. */
  private readonly adopted = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'meshpeer',
    private readonly max = 200,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:run:${id}`;
  }

  private targetKey(target: string): string {
    return `${this.prefix}:target:${target}:runs`;
  }

  async save(record: RunRecord): Promise<void> {
    const isNew = (await this.redis.exists(this.key(record.id))) === 0;
    const tx = this.redis.multi().set(this.key(record.id), JSON.stringify(record));
    if (isNew) tx.lpush(`${this.prefix}:runs`, record.id).lpush(this.targetKey(record.target), record.id);
    await tx.exec();
    if (isNew) await this.trim(record.target);
  }

  /**
   * Each target keeps its own last `max` runs, so a busy target never pushes a quiet one's history
   * out; the list of all runs is only an index, trimmed to the same length.
   */
  private async trim(target: string): Promise<void> {
    const dropped = await this.redis.lrange(this.targetKey(target), this.max, -1);
    const tx = this.redis.multi().ltrim(`${this.prefix}:runs`, 0, this.max - 1);
    if (dropped.length > 0)
      tx.ltrim(this.targetKey(target), 0, this.max - 1).del(...dropped.map((id) => this.key(id)));
    await tx.exec();
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw === null ? undefined : (JSON.parse(raw) as RunRecord);
  }

  /** The newest runs of every target, or of one target. */
  async list(limit = 20, target?: string): Promise<RunRecord[]> {
    if (target === undefined) return this.records(`${this.prefix}:runs`, 0, limit);
    const own = await this.records(this.targetKey(target), 0, limit);
    if (own.length > 0 || this.adopted.has(target)) return own;
    return (await this.adopt(target)).slice(0, limit);
  }

  /**
   * Runs recorded before histories were kept per target are only in the list of all runs: the
   * first read of a target moves its ids into its own list (only while that list is empty, so two
   * processes adopting at once do not list a run twice), where they are trimmed like any other.
   */
  private async adopt(target: string): Promise<RunRecord[]> {
    this.adopted.add(target);
    const found = (await this.records(`${this.prefix}:runs`, 0, this.max)).filter((r) => r.target === target);
    if (found.length > 0) await this.redis.eval(ADOPT, 1, this.targetKey(target), ...found.map((r) => r.id));
    return found;
  }

  private async records(list: string, from: number, count: number): Promise<RunRecord[]> {
    const ids = await this.redis.lrange(list, from, from + count - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.key(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RunRecord);
  }
}
