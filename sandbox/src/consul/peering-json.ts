/**
 * The Peering JSON of Consul's HTTP API (`api.Peering`): Go field order, omitempty where the Go
 * struct has it, ACTIVE/FAILING computed from the live stream (never stored) and StreamStatus times
 * as RFC 3339 or null.
 */
import type { ConsulStreamStatus } from '../peering/index.ts';
import { isDialer, type PeeringRecord } from './consul-store.ts';

/** The live stream facts of one peering, from the acceptor's tracker or the dialer. */
export interface LiveStream {
  readonly connected: boolean;
  readonly failed: boolean;
  readonly status: ConsulStreamStatus | undefined;
}

const noList = (list: readonly string[] | undefined): readonly string[] | null =>
  list === undefined || list.length === 0 ? null : list;

/** Renders a record as `GET /v1/peering/:name` does; `enterprise` decides whether Partition shows. */
export function peeringJson(
  record: PeeringRecord,
  live: LiveStream,
  enterprise: boolean,
): Record<string, unknown> {
  let state: string = record.state;
  // reconcilePeering: connected means ACTIVE, a disconnect with an error means FAILING.
  if (live.connected) state = 'ACTIVE';
  else if (live.failed) state = 'FAILING';
  const dialer = isDialer(record);
  const status = live.status;
  return {
    ID: record.id,
    Name: record.name,
    ...(enterprise && { Partition: record.partition }),
    ...(record.deletedAt !== undefined && { DeletedAt: record.deletedAt.toISOString() }),
    ...(record.meta !== undefined && Object.keys(record.meta).length > 0 && { Meta: record.meta }),
    State: state,
    ...(dialer && { PeerID: record.peerID }),
    ...(dialer && record.peerCAPems.length > 0 && { PeerCAPems: record.peerCAPems }),
    ...(dialer && record.peerServerName !== '' && { PeerServerName: record.peerServerName }),
    ...(dialer &&
      record.peerServerAddresses.length > 0 && { PeerServerAddresses: record.peerServerAddresses }),
    StreamStatus: {
      ImportedServices: noList(status?.ImportedServices),
      ExportedServices: noList(status?.ExportedServices),
      LastHeartbeat: status?.LastHeartbeat ?? null,
      LastReceive: status?.LastReceive ?? null,
      LastSend: status?.LastSend ?? null,
    },
    CreateIndex: record.createIndex,
    ModifyIndex: record.modifyIndex,
    Remote: {
      Partition: record.remote?.Partition ?? '',
      Datacenter: record.remote?.Datacenter ?? '',
      ...(record.remote?.Locality !== undefined && { Locality: record.remote.Locality }),
    },
  };
}
