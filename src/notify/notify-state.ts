/**
 * The per-subject notification state in Redis, one key per sink and subject, moved by Lua scripts
 * so that replicas sharing Redis agree on who delivers a change of state (exactly one of them).
 */
import type { RedisClient } from '../io/redis-endpoint.ts';
import type { NotifyEvent } from './notify-event.ts';

/**
 * `first`: claimed when the key is absent (run failures, drift). `change`: claimed when the key
 * holds another value (a peering's unhealthy state). `leave`: claimed when the key exists, which it
 * deletes (recovery, in-sync). An unclaimed `first` or `change` refreshes the key's TTL.
 */
export type MoveMode = 'first' | 'change' | 'leave';

/** How one event moves one sink's state for its subject. */
export interface StateMove {
  readonly key: string;
  readonly mode: MoveMode;
  /** The value a claimed `first` or `change` stores. */
  readonly value: string;
}

/** The outcome of a move: whether this caller claimed it, and the value the key held before. */
export interface Claim {
  readonly claimed: boolean;
  readonly previous: string;
}

const MOVE = `
local cur = redis.call('GET', KEYS[1]) or ''
local mode, value, ttl = ARGV[1], ARGV[2], ARGV[3]
if mode == 'leave' then
  if cur == '' then return {0, ''} end
  redis.call('DEL', KEYS[1])
  return {1, cur}
end
if cur ~= '' and (mode == 'first' or cur == value) then
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {0, cur}
end
redis.call('SET', KEYS[1], value, 'PX', ttl)
return {1, cur}
`;

// Puts back what a claim replaced, unless someone has moved the key since.
const RESTORE = `
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

/** The state key and move of `event` for the sink named `sink`. */
export function stateMove(prefix: string, sink: string, event: NotifyEvent): StateMove {
  const base = `${prefix}:notify:${sink}`;
  switch (event.kind) {
    case 'run-failed':
      return { key: `${base}:run:${event.runId}`, mode: 'first', value: 'failed' };
    case 'drift-detected':
      return { key: `${base}:drift:${event.target}`, mode: 'first', value: event.revision || '-' };
    case 'in-sync':
      return { key: `${base}:drift:${event.target}`, mode: 'leave', value: '' };
    case 'peering-unhealthy':
      return { key: `${base}:peering:${event.target}:${event.peering}`, mode: 'change', value: event.state };
    case 'peering-recovered':
      return { key: `${base}:peering:${event.target}:${event.peering}`, mode: 'leave', value: '' };
  }
}

/** Applies `move` atomically; at most one caller claims a given change. */
export async function claimMove(redis: RedisClient, move: StateMove, ttlMs: number): Promise<Claim> {
  const reply = await redis.eval(MOVE, 1, move.key, move.mode, move.value, String(ttlMs));
  const [claimed, previous] = Array.isArray(reply) ? reply : [];
  return { claimed: claimed === 1, previous: typeof previous === 'string' ? previous : '' };
}

/** Undoes a claimed move whose delivery failed, so the next report of the same state tries again. */
export async function releaseMove(
  redis: RedisClient,
  move: StateMove,
  claim: Claim,
  ttlMs: number,
): Promise<void> {
  const current = move.mode === 'leave' ? '' : move.value;
  await redis.eval(RESTORE, 1, move.key, current, claim.previous, String(ttlMs));
}
