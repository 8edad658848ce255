/**
 * The PeeringService behind the HTTP endpoints, following agent/rpc/peering/service.go: token
 * generation with a fresh establishment secret, establish with a real ExchangeSecret call (3 s
 * retry window, PermissionDenied never retried) and then a stream, soft delete with a deferred
 * cleanup, and reads that compute ACTIVE/FAILING from the live streams.
 */
import { randomUUID } from 'node:crypto';
import {
  decodeToken,
  encodeToken,
  type PeeringToken,
  type PeerStreamServer,
  validateToken,
} from '../peering/index.ts';
import type { Authorizer } from './acl/acl-authorizer.ts';
import { ConsulHttpError } from './consul-http-error.ts';
import { type ConsulStore, isDialer, type PeeringRecord } from './consul-store.ts';
import type { DialerPool } from './dialer-pool.ts';
import { type LiveStream, peeringJson } from './peering-json.ts';
import { exchangeWithRetry } from './secret-exchange.ts';

const PEER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** What the service needs from the server. */
export interface PeeringServiceDeps {
  readonly store: ConsulStore;
  readonly dialers: DialerPool;
  readonly datacenter: string;
  readonly serverName: string;
  readonly caPem: string;
  readonly enterprise: boolean;
  /** The running acceptor, undefined while the server is stopped. */
  acceptor(): PeerStreamServer | undefined;
  /** ServerAddresses for new tokens (spec 3.3); throws when gateways are required but missing. */
  tokenAddresses(): readonly string[];
  readonly deletionDelayMs: number;
}

function checkPeerName(name: string): void {
  if (!PEER_NAME.test(name)) {
    throw new ConsulHttpError(
      500,
      `${name} is not a valid peer name: a valid peering name must consist of lower case alphanumeric ` +
        `characters or '-', and must start and end with an alphanumeric character`,
    );
  }
}

function deletingError(): ConsulHttpError {
  return new ConsulHttpError(
    500,
    'failed to write peering: cannot write to peering that is marked for deletion',
  );
}

/** validatePeer of Consul's GenerateToken: the name must not belong to a dialing peering. */
function checkGenerate(existing: PeeringRecord | undefined): void {
  if (existing !== undefined && isDialer(existing)) {
    throw new ConsulHttpError(
      500,
      `cannot create peering with name: "${existing.name}"; there is already an established peering`,
    );
  }
  if (existing?.state === 'DELETING') throw deletingError();
}

/** Consul's PeeringService for one server. */
export class PeeringService {
  private readonly cleanups = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: PeeringServiceDeps) {}

  /** `POST /v1/peering/token`: creates the acceptor peering on first use, then only a new secret. */
  generateToken(
    authz: Authorizer,
    request: { PeerName: string; Meta?: Record<string, string>; ServerExternalAddresses?: string[] },
    partition: string,
  ): string {
    checkPeerName(request.PeerName);
    authz.require('peering', 'write', partition);
    const { store } = this.deps;
    const existing = store.peeringByName(partition, request.PeerName);
    checkGenerate(existing);
    const serverAddresses = this.deps.tokenAddresses();
    const establishment = randomUUID();
    const record = store.writePeering({
      id: existing?.id ?? randomUUID(),
      name: request.PeerName,
      partition,
      meta: request.Meta ?? existing?.meta,
      state: existing?.state ?? 'PENDING',
      peerID: '',
      peerCAPems: [],
      peerServerName: '',
      peerServerAddresses: [],
      manualServerAddresses: [],
      remote: existing?.remote,
      deletedAt: undefined,
      secrets: {
        activeStream: existing?.secrets?.activeStream,
        pendingStream: existing?.secrets?.pendingStream,
        establishment,
      },
      streamSecret: undefined,
    });
    const token: PeeringToken = {
      CA: [this.deps.caPem],
      ManualServerAddresses: request.ServerExternalAddresses ?? [],
      ServerAddresses: serverAddresses,
      ServerName: this.deps.serverName,
      PeerID: record.id,
      EstablishmentSecret: establishment,
      Remote: { Partition: partition, Datacenter: this.deps.datacenter, Locality: null },
    };
    return encodeToken(token);
  }

  /** `POST /v1/peering/establish`: write, exchange the secret, store it, start streaming. */
  async establish(
    authz: Authorizer,
    request: { PeerName: string; PeeringToken: string; Meta?: Record<string, string> },
    partition: string,
  ): Promise<void> {
    checkPeerName(request.PeerName);
    const token = decodeToken(request.PeeringToken);
    validateToken(token);
    authz.require('peering', 'write', partition);
    const { store } = this.deps;
    const existing = store.peeringByName(partition, request.PeerName);
    this.checkEstablish(existing, token);
    const connected = existing !== undefined && this.deps.dialers.view(existing.id)?.connected === true;
    const record = store.writePeering({
      id: existing?.id ?? randomUUID(),
      name: request.PeerName,
      partition,
      meta: request.Meta,
      state: existing?.state ?? 'PENDING',
      peerID: token.PeerID,
      peerCAPems: token.CA,
      peerServerName: token.ServerName,
      // A connected stream already replicated fresher addresses than the token's.
      peerServerAddresses: connected && existing ? existing.peerServerAddresses : token.ServerAddresses,
      manualServerAddresses: token.ManualServerAddresses,
      remote: {
        Partition: token.Remote.Partition,
        Datacenter: token.Remote.Datacenter,
        Locality: token.Remote.Locality ?? undefined,
      },
      deletedAt: undefined,
      secrets: undefined,
      streamSecret: existing?.streamSecret,
    });
    const streamSecret = await exchangeWithRetry(token);
    store.updatePeering(record.id, { state: 'ESTABLISHING', streamSecret });
    await this.deps.dialers.start(record.id);
  }

  /** validatePeer and validatePeeringLocality of Consul's Establish. */
  private checkEstablish(existing: PeeringRecord | undefined, token: PeeringToken): void {
    if (token.ServerName === this.deps.serverName) {
      throw new ConsulHttpError(
        500,
        `cannot create a peering within the same cluster "${this.deps.serverName}". Refer to the ` +
          '`exported-services` documentation if you want to export between partitions without peering',
      );
    }
    if (existing !== undefined && !isDialer(existing)) {
      throw new ConsulHttpError(
        500,
        `cannot create peering with name: "${existing.name}"; there is an existing peering expecting to be dialed`,
      );
    }
    if (existing?.state === 'DELETING') throw deletingError();
  }

  /** `DELETE /v1/peering/:name`: DELETING now, removed after the deferred cleanup. */
  async delete(authz: Authorizer, name: string, partition: string): Promise<void> {
    authz.require('peering', 'write', partition);
    const existing = this.deps.store.peeringByName(partition, name);
    if (existing === undefined || existing.state === 'DELETING') return;
    this.deps.store.markDeleting(existing.id);
    if (isDialer(existing)) await this.deps.dialers.stop(existing.id, 'terminate');
    this.scheduleCleanup(existing.id);
  }

  private scheduleCleanup(id: string): void {
    const timer = setTimeout(() => {
      this.cleanups.delete(timer);
      this.deps.store.removePeering(id);
    }, this.deps.deletionDelayMs);
    timer.unref();
    this.cleanups.add(timer);
  }

  /** The JSON of one peering, or undefined. */
  read(authz: Authorizer, name: string, partition: string): Record<string, unknown> | undefined {
    authz.require('peering', 'read', partition);
    const record = this.deps.store.peeringByName(partition, name);
    return record === undefined ? undefined : this.json(record);
  }

  /** The JSON of every peering in a partition. */
  list(authz: Authorizer, partition: string): Record<string, unknown>[] {
    authz.require('peering', 'read', partition);
    return this.deps.store.listPeerings(partition).map((record) => this.json(record));
  }

  /** A record as the API shows it, with its live stream state. */
  json(record: PeeringRecord): Record<string, unknown> {
    return peeringJson(record, this.live(record), this.deps.enterprise);
  }

  private live(record: PeeringRecord): LiveStream {
    if (isDialer(record)) {
      const view = this.deps.dialers.view(record.id);
      if (view === undefined) return { connected: false, failed: false, status: undefined };
      return { connected: view.connected, failed: view.failed, status: view.dialer.consulStreamStatus() };
    }
    const acceptor = this.deps.acceptor();
    const raw = acceptor?.streamStatus(record.id);
    return {
      connected: acceptor?.isConnected(record.id) ?? false,
      failed: raw !== undefined && !raw.connected && raw.disconnectErrorMessage !== undefined,
      status: acceptor?.consulStreamStatus(record.id),
    };
  }

  /** Restarts the streams of every established dialer peering (after a server start). */
  async resumeDialers(): Promise<void> {
    for (const record of this.deps.store.listPeerings()) {
      if (isDialer(record) && record.streamSecret !== undefined && record.state !== 'TERMINATED') {
        await this.deps.dialers.start(record.id);
      }
    }
  }

  /** Cancels pending cleanups (final shutdown). */
  dispose(): void {
    for (const timer of this.cleanups) clearTimeout(timer);
    this.cleanups.clear();
  }
}
