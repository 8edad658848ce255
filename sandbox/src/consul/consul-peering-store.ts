/**
 * The PeeringStore port of src/peering over this server's state: the acceptor's secrets
 * lifecycle (`peeringSecretsWriteTxn`), TERMINATED on the peer's Terminated, exports from config
 * entries and the catalog, imports into the per-peering ImportedState.
 */
import type {
  ExportSource,
  ImportSink,
  PeeringStore,
  RemoteInfo,
  StoredPeering,
  StoredSecrets,
} from '../peering/index.ts';
import type { ConsulStore, PeeringRecord } from './consul-store.ts';
import { type ExportContext, peeringExports } from './peering-exports.ts';

const noSecrets: StoredSecrets = {
  establishment: undefined,
  activeStream: undefined,
  pendingStream: undefined,
};

/** The stream server's view of a record. */
export function storedPeering(record: PeeringRecord): StoredPeering {
  return {
    id: record.id,
    name: record.name,
    partition: record.partition,
    peerID: record.peerID,
    state: record.state,
    remote: record.remote,
  };
}

/**
 * Where a stream writes what it imports: the peering's ImportedState, with a catalog index bump so
 * blocking health queries wake up, and (dialer side) replicated server addresses stored on the record.
 */
export function peeringImportSink(store: ConsulStore, id: string, dialer = false): ImportSink {
  const imports = store.imports(id);
  const changed = (): void => {
    store.touch('catalog');
  };
  return {
    applyServiceList: (names) => {
      imports.applyServiceList(names);
      changed();
    },
    applyService: (name, nodes) => {
      imports.applyService(name, nodes);
      changed();
    },
    applyTrustBundle: (bundle) => imports.applyTrustBundle(bundle),
    applyServerAddresses: (addresses) => {
      imports.applyServerAddresses(addresses);
      const record = store.peeringByID(id);
      // Replicated addresses replace PeerServerAddresses; manual addresses keep precedence for dialing.
      if (!dialer || record === undefined || addresses.length === 0 || record.state === 'DELETING') return;
      if (record.peerServerAddresses.join(',') !== addresses.join(',')) {
        store.updatePeering(id, { peerServerAddresses: [...addresses] });
      }
    },
    clear: () => {
      imports.clear();
      changed();
    },
  };
}

/** Creates the adapter; `context` supplies what exports are computed from. */
export function createConsulPeeringStore(store: ConsulStore, context: ExportContext): PeeringStore {
  const exportSources = new Map<string, ExportSource>();
  const record = (id: string): PeeringRecord => {
    const found = store.peeringByID(id);
    if (found === undefined) throw new Error('unknown peering');
    return found;
  };
  return {
    peeringByID: (id) => {
      const found = store.peeringByID(id);
      return found === undefined ? undefined : storedPeering(found);
    },
    secrets: (id) => store.peeringByID(id)?.secrets,
    exchangeSecret(id, establishmentSecret, pendingStreamSecret) {
      const secrets = record(id).secrets;
      if (secrets?.establishment === undefined) {
        throw new Error('invalid establishment secret: peering was already established');
      }
      if (secrets.establishment !== establishmentSecret) throw new Error('invalid establishment secret');
      store.updatePeering(id, {
        secrets: { ...secrets, establishment: undefined, pendingStream: pendingStreamSecret },
      });
    },
    promotePendingSecret(id, pendingStreamSecret, remote: RemoteInfo | undefined) {
      const secrets = record(id).secrets ?? noSecrets;
      if (secrets.pendingStream !== pendingStreamSecret) throw new Error('pending secret changed meanwhile');
      store.updatePeering(id, {
        secrets: { ...secrets, activeStream: pendingStreamSecret, pendingStream: undefined },
        remote,
      });
    },
    markTerminated: (id) => store.markTerminated(id),
    exportsFor(peering) {
      let source = exportSources.get(peering.id);
      if (source === undefined) {
        source = peeringExports(context, peering.id);
        exportSources.set(peering.id, source);
      }
      return source;
    },
    importsFor: (peering) => peeringImportSink(store, peering.id),
    watchDeletions: (listener) => store.onPeeringDeleted(listener),
  };
}
