/**
 * Keyed lookups into observed lists for the planner. A hub cluster holds one acceptor, token
 * Secret and Consul peering per peer; searching those lists once per peering made planning a star
 * quadratic, so each list is indexed on first use (the observed state is never mutated).
 */

type KeyOf<T> = (item: T) => string;

const indexes = new WeakMap<readonly object[], Map<KeyOf<never>, Map<string, unknown>>>();

/** Lists this short are searched directly: building a map would cost more than it saves. */
const SHORT = 8;

/** The first item of `list` whose `keyOf` is `key`, like `list.find`; `keyOf` must be a stable function. */
export function findFirst<T extends object>(list: readonly T[], keyOf: KeyOf<T>, key: string): T | undefined {
  if (list.length <= SHORT) return list.find((item) => keyOf(item) === key);
  let byKeyOf = indexes.get(list);
  if (byKeyOf === undefined) {
    byKeyOf = new Map();
    indexes.set(list, byKeyOf);
  }
  let index = byKeyOf.get(keyOf as KeyOf<never>) as Map<string, T> | undefined;
  if (index === undefined) {
    index = new Map();
    for (const item of list) {
      const k = keyOf(item);
      if (!index.has(k)) index.set(k, item);
    }
    byKeyOf.set(keyOf as KeyOf<never>, index);
  }
  return index.get(key);
}
