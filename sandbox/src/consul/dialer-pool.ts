/**
 * The dialer role of this server, like Consul's leader `establishStream`: one PeerDialer per
 * established peering, reconnecting with backoff, its traffic through a private TCP relay (so a
 * fault can cut one peering's stream) towards the manual or replicated peer server addresses.
 */
import { type PeerDialer, type PeerStreamOptions, startPeerStream } from '../peering/index.ts';
import { peeringImportSink } from './consul-peering-store.ts';
import type { ConsulStore, PeeringRecord } from './consul-store.ts';
import { type ExportContext, peeringExports } from './peering-exports.ts';
import { startTcpRelay, type TcpRelay } from './tcp-relay.ts';

/** How dialers are run. */
export interface DialerPoolOptions {
  readonly store: ConsulStore;
  readonly exports: ExportContext;
  readonly datacenter: string;
  readonly host: string;
  readonly heartbeatIntervalMs: number | undefined;
  readonly idleTimeoutMs: number | undefined;
  readonly backoff: PeerStreamOptions['backoff'];
}

/** What a read needs to compute ACTIVE/FAILING and StreamStatus for a dialer peering. */
export interface DialerView {
  readonly connected: boolean;
  readonly failed: boolean;
  readonly dialer: PeerDialer;
}

interface Running {
  readonly relay: TcpRelay;
  readonly dialer: PeerDialer;
}

function dialAddresses(record: PeeringRecord): readonly string[] {
  return record.manualServerAddresses.length > 0 ? record.manualServerAddresses : record.peerServerAddresses;
}

/** The running dialers of one server. */
export class DialerPool {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: DialerPoolOptions) {}

  /** Starts (or restarts with the record's current secret) the stream of a dialer peering. */
  async start(id: string): Promise<void> {
    await this.stop(id, 'close');
    const { store } = this.options;
    const record = store.peeringByID(id);
    if (record?.streamSecret === undefined) return;
    const relay = await startTcpRelay(this.options.host, 0, () => {
      const current = store.peeringByID(id);
      return current === undefined ? [] : dialAddresses(current);
    });
    const target = {
      addresses: [relay.address],
      caPems: record.peerCAPems,
      serverName: record.peerServerName,
      peerID: record.peerID,
      // The relay follows replicated addresses itself, so the dialer keeps dialing the relay.
      manual: true,
    };
    const dialer = startPeerStream(target, record.streamSecret, {
      local: { Partition: record.partition, Datacenter: this.options.datacenter, Locality: undefined },
      exports: peeringExports(this.options.exports, id),
      imports: peeringImportSink(store, id, true),
      ...(this.options.heartbeatIntervalMs !== undefined && {
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      }),
      ...(this.options.idleTimeoutMs !== undefined && { idleTimeoutMs: this.options.idleTimeoutMs }),
      ...(this.options.backoff !== undefined && { backoff: this.options.backoff }),
    });
    const entry = { relay, dialer };
    this.running.set(id, entry);
    void dialer.done.then(async (final) => {
      if (final === 'terminated') store.markTerminated(id);
      if (this.running.get(id) === entry) {
        this.running.delete(id);
        await relay.close();
      }
    });
  }

  /** Stops a dialer: `terminate` tells the acceptor (local delete), `close` does not. */
  async stop(id: string, how: 'close' | 'terminate'): Promise<void> {
    const entry = this.running.get(id);
    if (entry === undefined) return;
    this.running.delete(id);
    await (how === 'terminate' ? entry.dialer.terminate() : entry.dialer.close());
    await entry.relay.close();
  }

  /** The live view of a dialer peering, if it runs. */
  view(id: string): DialerView | undefined {
    const entry = this.running.get(id);
    if (entry === undefined) return undefined;
    const status = entry.dialer.status();
    return {
      connected: status.connected,
      failed: !status.connected && status.disconnectErrorMessage !== undefined,
      dialer: entry.dialer,
    };
  }

  /** Cuts the connections of the dialers whose IDs match; they reconnect after their backoff. */
  drop(match: (id: string) => boolean): void {
    for (const [id, entry] of this.running) if (match(id)) entry.relay.dropConnections();
  }

  /** Stops every dialer without telling the peers (a server shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, 'close')));
  }
}
