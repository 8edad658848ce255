/**
 * What one side of a peering exports to the other: service instances by name, the trust bundle and
 * (acceptor only) the server addresses. Both the acceptor and the dialer replicate from this port.
 */
import type { PeeringTrustBundle } from './generated/private/pbpeering/peering.ts';
import type { CheckServiceNode } from './generated/private/pbservice/node.ts';

/** A consistent view of everything exported to one peer. */
export interface ExportedData {
  readonly services: ReadonlyMap<string, readonly CheckServiceNode[]>;
  readonly trustBundle: PeeringTrustBundle | undefined;
  readonly serverAddresses: readonly string[];
}

/** The port a stream reads exports from; `subscribe` fires after every change. */
export interface ExportSource {
  current(): ExportedData;
  subscribe(listener: () => void): () => void;
}

/** A mutable in-memory ExportSource for simulators, probes and tests. */
export class ExportSet implements ExportSource {
  private services = new Map<string, readonly CheckServiceNode[]>();
  private trustBundle: PeeringTrustBundle | undefined;
  private serverAddresses: readonly string[] = [];
  private readonly listeners = new Set<() => void>();

  /** Exports a service with its complete instance set (an empty set still exports the name). */
  setService(name: string, nodes: readonly CheckServiceNode[]): void {
    this.services = new Map(this.services).set(name, nodes);
    this.changed();
  }

  /** Stops exporting a service. */
  removeService(name: string): void {
    if (!this.services.has(name)) return;
    const next = new Map(this.services);
    next.delete(name);
    this.services = next;
    this.changed();
  }

  /** Sets the trust bundle sent as resource "roots". */
  setTrustBundle(bundle: PeeringTrustBundle | undefined): void {
    this.trustBundle = bundle;
    this.changed();
  }

  /** Sets the addresses sent as resource "server-addrs"; an empty list is never sent. */
  setServerAddresses(addresses: readonly string[]): void {
    this.serverAddresses = [...addresses];
    this.changed();
  }

  current(): ExportedData {
    return { services: this.services, trustBundle: this.trustBundle, serverAddresses: this.serverAddresses };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Creates an ExportSet, optionally pre-filled. */
export function createExportSet(initial: Partial<ExportedData> = {}): ExportSet {
  const set = new ExportSet();
  for (const [name, nodes] of initial.services ?? []) set.setService(name, nodes);
  if (initial.trustBundle !== undefined) set.setTrustBundle(initial.trustBundle);
  if (initial.serverAddresses !== undefined) set.setServerAddresses(initial.serverAddresses);
  return set;
}
