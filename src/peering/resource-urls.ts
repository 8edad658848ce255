/**
 * The resource type URLs, resource IDs and nonce format of Consul's peer stream
 * (proto/private/pbpeerstream/types.go and the exporter in replication.go).
 */
import type { Any } from './generated/google/protobuf/any.ts';

const PREFIX = 'type.googleapis.com/';

/** Every resource URL a peer may subscribe to. */
export const ResourceURL = {
  exportedService: `${PREFIX}hashicorp.consul.internal.peerstream.ExportedService`,
  exportedServiceList: `${PREFIX}hashicorp.consul.internal.peerstream.ExportedServiceList`,
  trustBundle: `${PREFIX}hashicorp.consul.internal.peering.PeeringTrustBundle`,
  serverAddresses: `${PREFIX}hashicorp.consul.internal.peering.PeeringServerAddresses`,
} as const;

/** One of the four known resource URLs. */
export type KnownResourceURL = (typeof ResourceURL)[keyof typeof ResourceURL];

/** The type URL of the LeaderAddress detail a follower attaches to FailedPrecondition. */
export const LEADER_ADDRESS_TYPE_URL = `${PREFIX}hashicorp.consul.internal.peerstream.LeaderAddress`;

/** The fixed ResourceIDs; exported services use the service name instead. */
export const ResourceID = {
  exportedServiceList: 'exported-service-list',
  trustBundle: 'roots',
  serverAddresses: 'server-addrs',
} as const;

/** What an acceptor subscribes to: Consul's acceptors never ask for server addresses. */
export const ACCEPTOR_SUBSCRIPTIONS: readonly KnownResourceURL[] = [
  ResourceURL.exportedService,
  ResourceURL.exportedServiceList,
  ResourceURL.trustBundle,
];

/** What a dialer subscribes to. */
export const DIALER_SUBSCRIPTIONS: readonly KnownResourceURL[] = [
  ...ACCEPTOR_SUBSCRIPTIONS,
  ResourceURL.serverAddresses,
];

const known = new Set<string>(Object.values(ResourceURL));

/** Whether a resource URL is one Consul knows. */
export function isKnownResourceURL(url: string): url is KnownResourceURL {
  return known.has(url);
}

/** Formats a per-stream response counter as Consul does: eight lowercase hex digits. */
export function formatNonce(counter: number): string {
  return counter.toString(16).padStart(8, '0');
}

/** Wraps encoded bytes in an Any whose type URL equals the resource URL, as receivers require. */
export function packAny(typeUrl: string, value: Uint8Array): Any {
  return { typeUrl, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
}
