/**
 * Live peering health per target, in Redis so every serve process and restart agree: one entry
 * per peering of the topology, replaced by every observation (the periodic check, or a run's
 * verification). Peerings that left the topology are dropped, so a pruned peering is never shown.
 */
import type { RedisClient } from '../io/redis-endpoint.ts';
import type { PeeringHealth, PeeringState } from './peering-health.ts';

/** A peering whose state changed with an observation. */
export interface HealthTransition {
  readonly health: PeeringHealth;
  /** The state before, or undefined for a peering seen the first time. */
  readonly from: PeeringState | undefined;
}

/** Each target's latest peering health. */
export class HealthStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'meshpeer',
  ) {}

  private key(target: string): string {
    return `${this.prefix}:gitops:target:${target}:health`;
  }

  /** The target's peerings, sorted by id. */
  async get(target: string): Promise<PeeringHealth[]> {
    const raw = await this.redis.hgetall(this.key(target));
    return Object.values(raw)
      .map((v) => JSON.parse(v) as PeeringHealth)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Records observations. `peerings` are the ids of the topology: entries for other ids are
   * dropped, and topology peerings without an observation keep their previous entry. Returns the
   * peerings whose state changed.
   */
  async record(
    target: string,
    observed: readonly PeeringHealth[],
    peerings: readonly string[],
  ): Promise<HealthTransition[]> {
    const before = new Map((await this.get(target)).map((h) => [h.id, h]));
    const wanted = new Set(peerings);
    const kept = observed.filter((h) => wanted.has(h.id));
    const tx = this.redis.multi();
    for (const id of before.keys()) if (!wanted.has(id)) tx.hdel(this.key(target), id);
    for (const h of kept) tx.hset(this.key(target), h.id, JSON.stringify(h));
    await tx.exec();
    return kept
      .filter((h) => before.get(h.id)?.state !== h.state)
      .map((h) => ({ health: h, from: before.get(h.id)?.state }));
  }
}
