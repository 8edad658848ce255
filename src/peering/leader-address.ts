/**
 * Reads the LeaderAddress detail a Consul follower attaches to its FailedPrecondition refusal of
 * StreamResources (agent/grpc-external/services/peerstream/stream_resources.go), and picks where
 * the dialer should open its stream next.
 */
import type { Metadata } from '@grpc/grpc-js';
import { LeaderAddress } from './generated/private/pbpeerstream/peerstream.ts';
import { Status } from './generated/private/pbstatus/status.ts';
import { LEADER_ADDRESS_TYPE_URL } from './resource-urls.ts';
import { splitHostPort } from './token-validate.ts';

/** The leader address in a refusal's `grpc-status-details-bin` trailer, if the follower sent one. */
export function leaderAddressOf(metadata: Metadata | undefined): string | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    const detail = Status.decode(raw).details.find((d) => d.typeUrl === LEADER_ADDRESS_TYPE_URL);
    const address = detail === undefined ? '' : LeaderAddress.decode(detail.value).address;
    return address === '' ? undefined : address;
  } catch {
    // A malformed trailer is no hint at all; the caller falls back to rotating addresses.
    return undefined;
  }
}

const hostOf = (address: string): string | undefined => splitHostPort(address)?.host.toLowerCase();

/**
 * The address to try after a follower refused the stream at `refused`. The hint is the leader's
 * Raft RPC address (port 8300), not its gRPC port, so it is matched against the dial addresses by
 * exact value, then by host: that works when the addresses are the servers themselves. Behind a
 * mesh gateway the hint names no dial address, and the next address in the ring is the answer:
 * with one gateway address that is the same address again, which the gateway routes to a server
 * chosen anew for each connection.
 */
export function nextAfterFollower(
  refused: string,
  leaderAddress: string | undefined,
  addresses: readonly string[],
): string {
  if (leaderAddress !== undefined) {
    if (addresses.includes(leaderAddress)) return leaderAddress;
    const host = hostOf(leaderAddress);
    const sameHost = addresses.find((a) => a !== refused && host !== undefined && hostOf(a) === host);
    if (sameHost !== undefined) return sameHost;
  }
  const index = addresses.indexOf(refused);
  return addresses[(index + 1) % addresses.length] ?? refused;
}
