/**
 * The dialer's gRPC channel to one acceptor address, as Consul's `TLSDialOption` builds it: the
 * token's CA as roots, SNI and hostname check against the token's ServerName, no client certificate.
 */
import { type ChannelOptions, credentials, Metadata } from '@grpc/grpc-js';
import { PeerStreamServiceClient } from './generated/private/pbpeerstream/peerstream.ts';
import { classifyCallError } from './peering-error.ts';
import { dialAddresses, type PeeringToken } from './peering-token.ts';

/** Where and how to reach the acceptor: the dialer-side copy of the token's connection fields. */
export interface PeerTarget {
  readonly addresses: readonly string[];
  readonly caPems: readonly string[];
  readonly serverName: string;
  /** The acceptor's ID for the peering (token PeerID). */
  readonly peerID: string;
  /** True when `addresses` are the token's ManualServerAddresses, which replication never replaces. */
  readonly manual: boolean;
}

/** The target a token describes, with ManualServerAddresses taking precedence. */
export function targetFromToken(token: PeeringToken): PeerTarget {
  return {
    addresses: dialAddresses(token),
    caPems: token.CA,
    serverName: token.ServerName,
    peerID: token.PeerID,
    manual: token.ManualServerAddresses.length > 0,
  };
}

const MiB = 1024 * 1024;

/** Opens a client for one address; a private subchannel pool so each client has its own connection. */
export function createPeerClient(address: string, target: PeerTarget): PeerStreamServiceClient {
  const channelOptions: ChannelOptions = {
    'grpc.use_local_subchannel_pool': 1,
    // Consul's establishStream: keepalive 30 s, timeout 10 s; servers refuse pings under 15 s.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_send_message_length': 8 * MiB,
    'grpc.max_receive_message_length': 8 * MiB,
    'grpc.initial_reconnect_backoff_ms': 200,
  };
  if (target.caPems.length === 0) {
    // Consul dials without TLS when the token has no CA; Consul itself always includes one.
    return new PeerStreamServiceClient(address, credentials.createInsecure(), channelOptions);
  }
  const roots = Buffer.from(target.caPems.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''));
  return new PeerStreamServiceClient(address, credentials.createSsl(roots, null, null), {
    ...channelOptions,
    'grpc.ssl_target_name_override': target.serverName,
    'grpc.default_authority': target.serverName,
  });
}

/** Calls ExchangeSecret and resolves to the stream secret; failures become PeeringErrors. */
export function exchangeSecretWith(
  client: PeerStreamServiceClient,
  address: string,
  request: { PeerID: string; EstablishmentSecret: string },
  deadlineMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { deadline: new Date(Date.now() + deadlineMs) };
    client.exchangeSecret(request, new Metadata(), options, (error, response) => {
      if (error) reject(classifyCallError(error, address));
      else resolve(response.StreamSecret);
    });
  });
}
