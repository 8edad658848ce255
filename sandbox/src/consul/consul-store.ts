/**
 * The simulated server's state store: the peerings table (with acceptor secrets and the dialer's
 * stream secret), imported data per peering, Raft-like indexes per table, and change listeners
 * that drive blocking queries, replication and stream termination.
 */
import {
  ImportedState,
  type RemoteInfo,
  type StoredPeeringState,
  type StoredSecrets,
} from '../peering/index.ts';

/** Tables whose index X-Consul-Index reports. */
export type Table = 'peerings' | 'config' | 'catalog' | 'acl';

/** One stored peering, acceptor or dialer side (`peerID` set means this side dials). */
export interface PeeringRecord {
  readonly id: string;
  readonly name: string;
  /** Always concrete: `default` on Consul CE. */
  readonly partition: string;
  readonly meta: Readonly<Record<string, string>> | undefined;
  readonly state: StoredPeeringState;
  readonly peerID: string;
  readonly peerCAPems: readonly string[];
  readonly peerServerName: string;
  readonly peerServerAddresses: readonly string[];
  readonly manualServerAddresses: readonly string[];
  readonly remote: RemoteInfo | undefined;
  readonly deletedAt: Date | undefined;
  readonly createIndex: number;
  readonly modifyIndex: number;
  /** Acceptor side: establishment, active and pending stream secrets. */
  readonly secrets: StoredSecrets | undefined;
  /** Dialer side: the active stream secret from ExchangeSecret. */
  readonly streamSecret: string | undefined;
}

/** A write refused by the store, with Consul's message. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Whether a record is the dialing side of its peering. */
export function isDialer(record: PeeringRecord): boolean {
  return record.peerID !== '';
}

/** State shared by the HTTP API, the peer stream server and the dialers. */
export class ConsulStore {
  private index = 10;
  private readonly tableIndexes = new Map<Table, number>();
  private readonly peerings = new Map<string, PeeringRecord>();
  private readonly imported = new Map<string, ImportedState>();
  private readonly changeListeners = new Set<(table: Table) => void>();
  private readonly deletionListeners = new Set<(id: string) => void>();

  /** Allocates the next Raft index (also used by the ACL and config tables). */
  nextIndex(): number {
    this.index += 1;
    return this.index;
  }

  /** The index of a table's latest write. */
  tableIndex(table: Table): number {
    return this.tableIndexes.get(table) ?? 1;
  }

  /** Records a write to a table, applies it with its index, then tells listeners; returns the index. */
  touch(table: Table, apply?: (index: number) => void): number {
    const index = this.nextIndex();
    this.tableIndexes.set(table, index);
    apply?.(index);
    for (const listener of [...this.changeListeners]) listener(table);
    return index;
  }

  /** Calls `listener` after every write; returns the unsubscribe function. */
  onChange(listener: (table: Table) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Calls `listener` when a peering is marked DELETING (the stream server then sends Terminated). */
  onPeeringDeleted(listener: (id: string) => void): () => void {
    this.deletionListeners.add(listener);
    return () => this.deletionListeners.delete(listener);
  }

  /** Resolves when `table` moves past `index` or after `waitMs` (a blocking query). */
  waitForChange(table: Table, index: number, waitMs: number): Promise<void> {
    if (this.tableIndex(table) > index) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, waitMs);
      timer.unref();
      const off = this.onChange((changed) => {
        if (changed === table && this.tableIndex(table) > index) done();
      });
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  peeringByID(id: string): PeeringRecord | undefined {
    return this.peerings.get(id);
  }

  peeringByName(partition: string, name: string): PeeringRecord | undefined {
    const lower = name.toLowerCase();
    return [...this.peerings.values()].find((p) => p.partition === partition && p.name === lower);
  }

  /** The peerings of one partition (or all), oldest first. */
  listPeerings(partition?: string): PeeringRecord[] {
    return [...this.peerings.values()]
      .filter((p) => partition === undefined || p.partition === partition)
      .sort((a, b) => a.createIndex - b.createIndex);
  }

  /** Inserts or updates a peering; writes to a DELETING peering are refused as in Consul. */
  writePeering(
    next: Omit<PeeringRecord, 'createIndex' | 'modifyIndex'>,
    allowDeleting = false,
  ): PeeringRecord {
    const existing = this.peerings.get(next.id);
    if (existing?.state === 'DELETING' && !allowDeleting) {
      throw new StoreError('cannot write to peering that is marked for deletion');
    }
    let record: PeeringRecord | undefined;
    this.touch('peerings', (index) => {
      record = { ...next, createIndex: existing?.createIndex ?? index, modifyIndex: index };
      this.peerings.set(record.id, record);
      if (!this.imported.has(record.id)) {
        this.imported.set(
          record.id,
          new ImportedState({ peerName: record.name, partition: record.partition }),
        );
      }
    });
    return record as PeeringRecord;
  }

  /** Updates fields of an existing peering. */
  updatePeering(id: string, change: Partial<PeeringRecord>, allowDeleting = false): PeeringRecord {
    const existing = this.peerings.get(id);
    if (existing === undefined) throw new StoreError(`unknown peering ${id}`);
    return this.writePeering({ ...existing, ...change }, allowDeleting);
  }

  /** Soft delete: DELETING with DeletedAt, secrets dropped, listeners told. */
  markDeleting(id: string): void {
    const existing = this.peerings.get(id);
    if (existing === undefined || existing.state === 'DELETING') return;
    this.updatePeering(id, {
      state: 'DELETING',
      deletedAt: new Date(),
      secrets: undefined,
      streamSecret: undefined,
    });
    for (const listener of [...this.deletionListeners]) listener(id);
  }

  /**
   * The peer sent Terminated: TERMINATED, imported data cleaned up. Simplified: Consul's
   * PeeringTerminateByID (peerstream stream_resources.go) only flips the state and the secrets go
   * at the next PeeringWrite of the inactive peering; dropping them now changes no outcome, since
   * StreamResources refuses a peering that is not active either way.
   */
  markTerminated(id: string): void {
    const existing = this.peerings.get(id);
    if (existing === undefined || existing.state === 'DELETING') return;
    this.updatePeering(id, { state: 'TERMINATED', secrets: undefined, streamSecret: undefined });
    this.imported.get(id)?.clear();
    this.touch('catalog');
  }

  /** Final step of a deletion: imported data and the record are gone. */
  removePeering(id: string): void {
    this.imported.get(id)?.clear();
    this.imported.delete(id);
    if (this.peerings.has(id)) this.touch('peerings', () => this.peerings.delete(id));
    this.touch('catalog');
  }

  /** What has been imported from a peering. */
  imports(id: string): ImportedState {
    let state = this.imported.get(id);
    if (state === undefined) {
      const record = this.peerings.get(id);
      state = new ImportedState({ peerName: record?.name ?? '', partition: record?.partition ?? 'default' });
      this.imported.set(id, state);
    }
    return state;
  }
}
