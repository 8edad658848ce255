/** Plain, secret-free renderings of traffic settings for the `changes` lines of plan steps. */
import type { IntentionSourceEntry } from '../resources/service-intentions-merge.ts';

/** `peer/service: action` per source (with the namespace when set), sorted. */
export function sourceLines(sources: readonly IntentionSourceEntry[]): string[] {
  return sources
    .map((s) => {
      const where = s.peer ?? s.samenessGroup ?? s.partition ?? 'local';
      const ns = s.namespace ? `${s.namespace}/` : '';
      return `${where}/${ns}${s.name}: ${typeof s.action === 'string' ? s.action : 'permissions'}`;
    })
    .sort();
}

/** `to peers a, b` or `to sameness group g`, for a `failover['*']` entry. */
export function failoverText(failover: Readonly<Record<string, unknown>> | undefined): string {
  if (failover === undefined) return 'nowhere';
  if (typeof failover.samenessGroup === 'string') return `to sameness group ${failover.samenessGroup}`;
  const targets = Array.isArray(failover.targets) ? (failover.targets as Array<Record<string, unknown>>) : [];
  const peers = targets.map((t) => (typeof t.peer === 'string' ? t.peer : JSON.stringify(t)));
  return peers.length > 0
    ? `to peer${peers.length === 1 ? '' : 's'} ${peers.join(', ')}`
    : 'to other targets';
}

/** `1 source of others is kept` / `2 sources of others are kept`. */
export function othersKept(n: number): string {
  return `${n} source${n === 1 ? '' : 's'} of others ${n === 1 ? 'is' : 'are'} kept`;
}
