/**
 * The shapes of the catalog, health and intention answers meshpeer reads, as Consul's HTTP API
 * writes them (hashicorp/consul api/catalog.go, api/health.go, api/connect_intention.go): only
 * the fields read here are typed, and every field Consul may leave out is optional.
 */

/** A service's tagged address (structs.ServiceAddress). */
export interface ServiceAddress {
  readonly Address: string;
  readonly Port: number;
}

/** One `GET /v1/catalog/service/:name` entry (structs.ServiceNode). */
export interface CatalogServiceNode {
  readonly Node: string;
  /** The node's address. */
  readonly Address: string;
  /** The node's tagged addresses (`lan`, `wan`, ...): bare addresses, no ports. */
  readonly TaggedAddresses?: Readonly<Record<string, string>> | null;
  readonly ServiceKind?: string;
  readonly ServiceID?: string;
  readonly ServiceName: string;
  readonly ServiceAddress?: string;
  readonly ServicePort?: number;
  readonly ServiceTaggedAddresses?: Readonly<Record<string, ServiceAddress>> | null;
  readonly ServiceMeta?: Readonly<Record<string, string>> | null;
  readonly PeerName?: string;
}

/** One health check of an instance (structs.HealthCheck). */
export interface HealthCheckEntry {
  readonly CheckID: string;
  readonly Name?: string;
  /** `passing`, `warning` or `critical`. */
  readonly Status: string;
  readonly ServiceID?: string;
  readonly Output?: string;
}

/** One `GET /v1/health/service/:name` entry (structs.CheckServiceNode). */
export interface HealthServiceEntry {
  readonly Node: { readonly Node: string; readonly Address?: string; readonly PeerName?: string };
  readonly Service: {
    readonly ID: string;
    readonly Service: string;
    readonly Address?: string;
    readonly Port?: number;
    readonly PeerName?: string;
  };
  readonly Checks?: readonly HealthCheckEntry[] | null;
}

/** An intention as `GET /v1/connect/intentions/exact` answers (structs.Intention). */
export interface ConsulIntention {
  readonly SourcePeer?: string;
  readonly SourcePartition?: string;
  readonly SourceNS?: string;
  readonly SourceName: string;
  readonly DestinationPartition?: string;
  readonly DestinationNS?: string;
  readonly DestinationName: string;
  /** Empty when the intention carries L7 Permissions instead. */
  readonly Action?: string;
  readonly Permissions?: readonly unknown[] | null;
  readonly Precedence?: number;
}

/** Whether an instance is healthy as `?passing` counts it: every one of its checks passes. */
export function isPassing(entry: HealthServiceEntry): boolean {
  return (entry.Checks ?? []).every((c) => c.Status === 'passing');
}
