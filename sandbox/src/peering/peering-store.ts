/**
 * The acceptor's port to its cluster state. A Consul simulator implements it over its own store;
 * `MemoryPeeringStore` is the reference implementation. Methods may be sync or async.
 */
import type { ExportSource } from '../../../src/peering/export-set.ts';
import type { RemoteInfo } from '../../../src/peering/generated/private/pbpeering/peering.ts';
import type { ImportSink } from '../../../src/peering/imported-state.ts';

/** A value or a promise of it, so stores can be in-memory or remote. */
export type Awaitable<T> = T | Promise<T>;

/** Peering states that are stored; ACTIVE and FAILING are computed from the stream tracker. */
export type StoredPeeringState = 'PENDING' | 'ESTABLISHING' | 'DELETING' | 'TERMINATED';

/** The parts of a stored peering the stream server needs. */
export interface StoredPeering {
  /** This cluster's UUID for the peering: the token's PeerID. */
  readonly id: string;
  readonly name: string;
  readonly partition: string;
  /** The peer's ID for this peering: set only on dialer-side records, which must not be dialed. */
  readonly peerID: string;
  readonly state: StoredPeeringState;
  /** The dialer's partition, datacenter and locality, recorded when a pending secret is promoted. */
  readonly remote: RemoteInfo | undefined;
}

/** Acceptor-side secrets, as Consul's `PeeringSecrets{Establishment, Stream{Active, Pending}}`. */
export interface StoredSecrets {
  readonly establishment: string | undefined;
  readonly activeStream: string | undefined;
  readonly pendingStream: string | undefined;
}

/** What the PeerStreamService reads and writes; errors thrown become gRPC Internal. */
export interface PeeringStore {
  peeringByID(id: string): Awaitable<StoredPeering | undefined>;
  secrets(id: string): Awaitable<StoredSecrets | undefined>;
  /**
   * Consumes `establishmentSecret` and stores `pendingStreamSecret`, replacing an older pending
   * one; re-validates atomically and throws if the secret was used or replaced meanwhile.
   */
  exchangeSecret(id: string, establishmentSecret: string, pendingStreamSecret: string): Awaitable<void>;
  /** Makes the pending secret active (dropping the old active one) and records the dialer's info. */
  promotePendingSecret(
    id: string,
    pendingStreamSecret: string,
    remote: RemoteInfo | undefined,
  ): Awaitable<void>;
  /** The peer sent Terminated: mark the peering TERMINATED and drop its secrets. */
  markTerminated(id: string): Awaitable<void>;
  /** What this cluster exports to the peering. */
  exportsFor(peering: StoredPeering): ExportSource;
  /** Where data imported from the peering goes. */
  importsFor(peering: StoredPeering): ImportSink;
  /** Optional: tells the server when a peering is deleted locally so it sends Terminated. */
  watchDeletions?(listener: (id: string) => void): () => void;
}
