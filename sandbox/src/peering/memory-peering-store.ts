/**
 * An in-memory PeeringStore with Consul's secrets lifecycle (`peeringSecretsWriteTxn`): new tokens
 * replace unused establishment secrets, exchange consumes them, the first Open promotes pending.
 */
import { randomUUID } from 'node:crypto';
import { createExportSet, type ExportSet } from '../../../src/peering/export-set.ts';
import type { RemoteInfo } from '../../../src/peering/generated/private/pbpeering/peering.ts';
import { ImportedState } from '../../../src/peering/imported-state.ts';
import type { PeeringStore, StoredPeering, StoredSecrets } from './peering-store.ts';

interface Entry {
  peering: StoredPeering;
  secrets: StoredSecrets | undefined;
  readonly exports: ExportSet;
  readonly imports: ImportedState;
}

/** A token-ready acceptor peering: its stored record and its fresh establishment secret. */
export interface GeneratedPeering {
  readonly peering: StoredPeering;
  readonly establishmentSecret: string;
}

const noSecrets: StoredSecrets = {
  establishment: undefined,
  activeStream: undefined,
  pendingStream: undefined,
};

/** Acceptor-side peerings kept in memory, with one ExportSet and ImportedState per peering. */
export class MemoryPeeringStore implements PeeringStore {
  private readonly entries = new Map<string, Entry>();
  private readonly deletionListeners = new Set<(id: string) => void>();

  /** Like GenerateToken: creates the peering on first use, then only issues a new establishment secret. */
  generate(name: string, partition = 'default'): GeneratedPeering {
    let entry = [...this.entries.values()].find(
      (e) => e.peering.name === name && e.peering.partition === partition,
    );
    if (entry === undefined || entry.peering.state === 'TERMINATED') {
      const peering: StoredPeering = {
        id: randomUUID(),
        name,
        partition,
        peerID: '',
        state: 'PENDING',
        remote: undefined,
      };
      const imports = new ImportedState({ peerName: name, partition });
      entry = { peering, secrets: undefined, exports: createExportSet(), imports };
      this.entries.set(peering.id, entry);
    }
    if (entry.peering.state === 'DELETING')
      throw new Error('cannot write to peering that is marked for deletion');
    const establishmentSecret = randomUUID();
    entry.secrets = { ...(entry.secrets ?? noSecrets), establishment: establishmentSecret };
    return { peering: entry.peering, establishmentSecret };
  }

  /** Soft-deletes like `DELETE /v1/peering/:name`: DELETING, secrets dropped, stream told to terminate. */
  delete(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.peering.state === 'DELETING') return;
    entry.peering = { ...entry.peering, state: 'DELETING' };
    entry.secrets = undefined;
    for (const listener of [...this.deletionListeners]) listener(id);
  }

  /** The ExportSet of a peering, for tests and simulators to change what is exported. */
  exports(id: string): ExportSet {
    return this.entry(id).exports;
  }

  /** The ImportedState of a peering. */
  imports(id: string): ImportedState {
    return this.entry(id).imports;
  }

  peeringByID(id: string): StoredPeering | undefined {
    return this.entries.get(id)?.peering;
  }

  secrets(id: string): StoredSecrets | undefined {
    return this.entries.get(id)?.secrets;
  }

  exchangeSecret(id: string, establishmentSecret: string, pendingStreamSecret: string): void {
    const entry = this.entries.get(id);
    const secrets = entry?.secrets;
    if (entry === undefined || secrets === undefined) throw new Error('unknown peering');
    if (secrets.establishment === undefined) {
      throw new Error('invalid establishment secret: peering was already established');
    }
    if (secrets.establishment !== establishmentSecret) throw new Error('invalid establishment secret');
    entry.secrets = { ...secrets, establishment: undefined, pendingStream: pendingStreamSecret };
  }

  promotePendingSecret(id: string, pendingStreamSecret: string, remote: RemoteInfo | undefined): void {
    const entry = this.entry(id);
    const secrets = entry.secrets ?? noSecrets;
    if (secrets.pendingStream !== pendingStreamSecret) throw new Error('pending secret changed meanwhile');
    entry.secrets = { ...secrets, activeStream: pendingStreamSecret, pendingStream: undefined };
    entry.peering = { ...entry.peering, remote };
  }

  markTerminated(id: string): void {
    const entry = this.entry(id);
    entry.peering = { ...entry.peering, state: 'TERMINATED' };
    entry.secrets = undefined;
    entry.imports.clear();
  }

  exportsFor(peering: StoredPeering): ExportSet {
    return this.entry(peering.id).exports;
  }

  importsFor(peering: StoredPeering): ImportedState {
    return this.entry(peering.id).imports;
  }

  watchDeletions(listener: (id: string) => void): () => void {
    this.deletionListeners.add(listener);
    return () => this.deletionListeners.delete(listener);
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new Error(`unknown peering ${id}`);
    return entry;
  }
}
