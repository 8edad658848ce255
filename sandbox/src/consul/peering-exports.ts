/**
 * What one peering exports, computed from the partition's `exported-services` entry (consumers with
 * `Peer` = the peering's name, `*` meaning every service but `consul`) and the catalog, plus the
 * trust bundle and, on the acceptor side, the addresses a dialer should use (spec 3.3).
 */
import type { CheckServiceNode, ExportedData, ExportSource, PeeringTrustBundle } from '../peering/index.ts';
import type { CatalogStore } from './catalog-store.ts';
import type { ConfigEntryStore } from './config-entry-store.ts';
import { type ConsulStore, isDialer } from './consul-store.ts';

/** What the exports of every peering depend on. */
export interface ExportContext {
  readonly store: ConsulStore;
  readonly config: ConfigEntryStore;
  readonly catalog: CatalogStore;
  readonly trustDomain: string;
  readonly caPem: string;
  /** The addresses an acceptor advertises (token and `server-addrs`). */
  serverAddresses(): readonly string[];
}

const empty: ExportedData = { services: new Map(), trustBundle: undefined, serverAddresses: [] };

/** An ExportSource over the server state for one peering ID. */
export function peeringExports(context: ExportContext, peeringID: string): ExportSource {
  return {
    current(): ExportedData {
      const record = context.store.peeringByID(peeringID);
      if (record === undefined || record.state === 'DELETING' || record.state === 'TERMINATED') return empty;
      const services = new Map<string, readonly CheckServiceNode[]>();
      for (const name of context.config.exportedTo(record.partition, record.name)) {
        const names =
          name === '*'
            ? [...context.catalog.services(record.partition).keys()].filter((n) => n !== 'consul')
            : [name];
        // Consul never exports the consul service itself (hashicorp/consul#21624).
        for (const n of names)
          if (n !== 'consul') services.set(n, context.catalog.service(record.partition, n));
      }
      const trustBundle: PeeringTrustBundle = {
        TrustDomain: context.trustDomain,
        PeerName: '',
        Partition: '',
        RootPEMs: [context.caPem],
        ExportedPartition: record.partition,
        CreateIndex: '0',
        ModifyIndex: '0',
      };
      return {
        services,
        trustBundle,
        serverAddresses: isDialer(record) ? [] : context.serverAddresses(),
      };
    },
    subscribe(listener: () => void): () => void {
      return context.store.onChange((table) => {
        if (table !== 'acl') listener();
      });
    },
  };
}
