/**
 * Remembers webhook delivery ids so a redelivered or replayed event is acknowledged but not run
 * twice. `seen` marks and reports in one step, so two racing deliveries cannot both pass.
 */
export interface DeliveryLog {
  /** Marks `deliveryId` and returns whether it had been seen before. */
  seen(deliveryId: string): Promise<boolean>;
  /** Unmarks `deliveryId`, for when enqueueing failed and a redelivery should be honoured. */
  forget(deliveryId: string): Promise<void>;
}

/** The key a delivery is remembered by; `seen` and `forget` must agree on it. */
export function deliveryKey(provider: string, deliveryId: string): string {
  return `${provider}:${deliveryId}`;
}

/** GitHub allows redelivery for 3 days; remembering ids as long covers every legitimate replay. */
export const DELIVERY_TTL_MS = 3 * 24 * 60 * 60 * 1000;

/** Options for the in-memory log. */
export interface MemoryDeliveryLogOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** A single-process delivery log, for tests and Redis-less demos. */
export function createMemoryDeliveryLog(options: MemoryDeliveryLogOptions = {}): DeliveryLog {
  const ttl = options.ttlMs ?? DELIVERY_TTL_MS;
  const max = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();

  const evict = (at: number): void => {
    // Insertion order is expiry order because every entry gets the same ttl.
    for (const [id, expiry] of expiries) {
      if (expiry > at && expiries.size <= max) break;
      expiries.delete(id);
    }
  };

  return {
    seen: async (deliveryId) => {
      const at = now();
      evict(at);
      const expiry = expiries.get(deliveryId);
      if (expiry !== undefined && expiry > at) return true;
      expiries.set(deliveryId, at + ttl);
      return false;
    },
    forget: async (deliveryId) => {
      expiries.delete(deliveryId);
    },
  };
}
