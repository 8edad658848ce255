/**
 * Where a stream puts what it receives from the peer. `ImportSink` is the port (a Consul simulator
 * writes into its catalog); `ImportedState` is the in-memory implementation both sides can use.
 */
import type { PeeringTrustBundle } from './generated/private/pbpeering/peering.ts';
import type { CheckServiceNode } from './generated/private/pbservice/node.ts';

/** Receives replicated resources; a thrown error becomes a NACK with code INTERNAL. */
export interface ImportSink {
  applyServiceList(names: readonly string[]): void | Promise<void>;
  applyService(name: string, nodes: readonly CheckServiceNode[]): void | Promise<void>;
  applyTrustBundle(bundle: PeeringTrustBundle): void | Promise<void>;
  applyServerAddresses(addresses: readonly string[]): void | Promise<void>;
  /** The peer sent Terminated: drop imported data, as Consul's deferred deletion does. */
  clear(): void | Promise<void>;
}

/** A snapshot of everything imported from the peer. */
export interface ImportedData {
  readonly serviceList: readonly string[];
  readonly services: ReadonlyMap<string, readonly CheckServiceNode[]>;
  readonly trustBundle: PeeringTrustBundle | undefined;
  readonly serverAddresses: readonly string[];
}

/** In-memory imports with Consul's rules: names no longer listed are removed, empty sets delete. */
export class ImportedState implements ImportSink {
  private serviceList: readonly string[] = [];
  private services = new Map<string, readonly CheckServiceNode[]>();
  private trustBundle: PeeringTrustBundle | undefined;
  private serverAddresses: readonly string[] = [];
  private readonly listeners = new Set<() => void>();

  /** `local` overrides PeerName and Partition on stored bundles, as the receiver does in Consul. */
  constructor(
    private readonly local: { peerName: string; partition: string } = { peerName: '', partition: '' },
  ) {}

  applyServiceList(names: readonly string[]): void {
    this.serviceList = [...names].sort();
    const keep = new Set(names);
    for (const name of [...this.services.keys()]) if (!keep.has(name)) this.services.delete(name);
    this.changed();
  }

  applyService(name: string, nodes: readonly CheckServiceNode[]): void {
    if (nodes.length === 0) this.services.delete(name);
    else
      this.services.set(
        name,
        nodes.map((node) => this.markImported(node)),
      );
    this.changed();
  }

  applyTrustBundle(bundle: PeeringTrustBundle): void {
    this.trustBundle = { ...bundle, PeerName: this.local.peerName, Partition: this.local.partition };
    this.changed();
  }

  applyServerAddresses(addresses: readonly string[]): void {
    this.serverAddresses = [...addresses];
    this.changed();
  }

  clear(): void {
    this.serviceList = [];
    this.services.clear();
    this.trustBundle = undefined;
    this.serverAddresses = [];
    this.changed();
  }

  /** The current imports. */
  snapshot(): ImportedData {
    return {
      serviceList: this.serviceList,
      services: new Map(this.services),
      trustBundle: this.trustBundle,
      serverAddresses: this.serverAddresses,
    };
  }

  /** Names of services with at least one imported instance, sorted (StreamStatus.ImportedServices). */
  importedServiceNames(): string[] {
    return [...this.services.keys()].sort();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once `predicate` holds for the imports (checked now and after each change). */
  waitFor(predicate: (data: ImportedData) => boolean): Promise<ImportedData> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const data = this.snapshot();
        if (!predicate(data)) return false;
        resolve(data);
        return true;
      };
      if (check()) return;
      const unsubscribe = this.subscribe(() => {
        if (check()) unsubscribe();
      });
    });
  }

  private markImported(node: CheckServiceNode): CheckServiceNode {
    const peerName = this.local.peerName;
    return {
      ...node,
      Node: node.Node === undefined ? undefined : { ...node.Node, PeerName: peerName },
      Service: node.Service === undefined ? undefined : { ...node.Service, PeerName: peerName },
      Checks: node.Checks.map((check) => ({ ...check, PeerName: peerName })),
    };
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
