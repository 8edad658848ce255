/**
 * Run history in Redis: one key per run (JSON) and a capped list of run ids, newest first.
 * Records are written by the run's single orchestrator, so there is no concurrent writer.
 */
import type { Redis } from 'ioredis';
import type { RunRecord, RunStore } from './run-record.ts';

/** A RunStore on Redis keeping the last `max` runs. */
export class RedisRunStore implements RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'meshpeer',
    private readonly max = 200,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:run:${id}`;
  }

  async save(record: RunRecord): Promise<void> {
    const listKey = `${this.prefix}:runs`;
    const isNew = (await this.redis.exists(this.key(record.id))) === 0;
    const tx = this.redis.multi().set(this.key(record.id), JSON.stringify(record));
    if (isNew) tx.lpush(listKey, record.id);
    await tx.exec();
    if (isNew) await this.trim(listKey);
  }

  private async trim(listKey: string): Promise<void> {
    const dropped = await this.redis.lrange(listKey, this.max, -1);
    if (dropped.length === 0) return;
    await this.redis
      .multi()
      .ltrim(listKey, 0, this.max - 1)
      .del(...dropped.map((id) => this.key(id)))
      .exec();
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw === null ? undefined : (JSON.parse(raw) as RunRecord);
  }

  async list(limit = 20): Promise<RunRecord[]> {
    const ids = await this.redis.lrange(`${this.prefix}:runs`, 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.key(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RunRecord);
  }
}
