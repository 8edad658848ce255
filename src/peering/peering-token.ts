/**
 * The peering token as Consul's `structs.PeeringToken`: field names are the Go field names, which
 * are also the JSON keys because the struct has no JSON tags.
 */

/** Where a cluster runs; Consul omits empty Region and Zone. */
export interface PeeringTokenLocality {
  readonly Region: string;
  readonly Zone: string;
}

/** The acceptor's partition, datacenter and locality as written into the token. */
export interface PeeringTokenRemote {
  readonly Partition: string;
  readonly Datacenter: string;
  readonly Locality: PeeringTokenLocality | null;
}

/** A decoded peering token; null lists from Go are normalised to empty arrays. */
export interface PeeringToken {
  readonly CA: readonly string[];
  readonly ManualServerAddresses: readonly string[];
  readonly ServerAddresses: readonly string[];
  readonly ServerName: string;
  readonly PeerID: string;
  readonly EstablishmentSecret: string;
  readonly Remote: PeeringTokenRemote;
}

/** The addresses a dialer tries, in order: manual addresses override the computed ones. */
export function dialAddresses(token: PeeringToken): readonly string[] {
  return token.ManualServerAddresses.length > 0 ? token.ManualServerAddresses : token.ServerAddresses;
}
