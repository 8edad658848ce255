/**
 * `service-intentions` sources as the intentions API shows them: one structs.Intention per source
 * (hashicorp/consul agent/structs/config_entry_intentions.go ToIntention), with the JSON field set
 * of agent/structs/intention.go (SourcePeer and the partitions only when set), sorted by precedence
 * as agent/consul/state/intention.go IntentionMatch returns them.
 */
import type { ConfigEntry } from '../config-entry-store.ts';

/** One intention as `/v1/connect/intentions/*` returns it. */
export type IntentionJson = Record<string, unknown> & {
  readonly SourceName: string;
  readonly SourcePeer?: string;
  readonly DestinationName: string;
  readonly Precedence: number;
};

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** The intentions of one entry, in the entry's (precedence) order. */
export function intentionsOf(entry: ConfigEntry, enterprise: boolean): IntentionJson[] {
  const sources = Array.isArray(entry.Sources) ? (entry.Sources as Array<Record<string, unknown>>) : [];
  return sources.map((src) => {
    const peer = str(src.Peer);
    const group = str(src.SamenessGroup);
    const permissions = Array.isArray(src.Permissions) && src.Permissions.length > 0 ? src.Permissions : null;
    return {
      ID: '',
      Description: str(src.Description),
      ...(peer !== '' && { SourcePeer: peer }),
      ...(group !== '' && { SourceSamenessGroup: group }),
      SourceNS: str(src.Namespace, 'default'),
      SourceName: str(src.Name),
      DestinationNS: str(entry.Namespace, 'default'),
      DestinationName: entry.Name,
      ...(enterprise && peer === '' && group === '' && { SourcePartition: str(src.Partition, 'default') }),
      ...(enterprise && { DestinationPartition: str(entry.Partition, 'default') }),
      SourceType: str(src.Type, 'consul'),
      Action: str(src.Action),
      Permissions: permissions,
      Meta: (entry.Meta as Record<string, string> | undefined) ?? {},
      Precedence: Number(src.Precedence ?? 0),
      CreatedAt: '0001-01-01T00:00:00Z',
      UpdatedAt: '0001-01-01T00:00:00Z',
      CreateIndex: entry.CreateIndex,
      ModifyIndex: entry.ModifyIndex,
    };
  });
}

/** Every intention whose destination covers `name` in `namespace`, highest precedence first. */
export function intentionsForDestination(
  entries: readonly ConfigEntry[],
  name: string,
  namespace: string,
  enterprise: boolean,
): IntentionJson[] {
  return entries
    .filter((e) => e.Name === '*' || e.Name === name)
    .filter((e) => {
      const ns = str(e.Namespace, 'default');
      return ns === '*' || ns === namespace;
    })
    .flatMap((e) => intentionsOf(e, enterprise))
    .sort((a, b) => b.Precedence - a.Precedence);
}
