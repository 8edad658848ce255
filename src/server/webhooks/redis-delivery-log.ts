import type { RedisClient } from '../../io/redis-endpoint.ts';
import { DELIVERY_TTL_MS, type DeliveryLog } from './delivery-log.ts';

/** Options for the Redis delivery log. */
export interface RedisDeliveryLogOptions {
  readonly prefix?: string;
  readonly ttlMs?: number;
}

/** A delivery log shared by every meshpeer process on one Redis, via `SET NX PX`. */
export function createRedisDeliveryLog(
  redis: RedisClient,
  options: RedisDeliveryLogOptions = {},
): DeliveryLog {
  const prefix = options.prefix ?? 'meshpeer:webhook-delivery:';
  const ttl = options.ttlMs ?? DELIVERY_TTL_MS;
  return {
    seen: async (deliveryId) => {
      const set = await redis.set(`${prefix}${deliveryId}`, '1', 'PX', ttl, 'NX');
      return set === null;
    },
    forget: async (deliveryId) => {
      await redis.del(`${prefix}${deliveryId}`);
    },
  };
}
