/**
 * The sending half of replication: which resource types the peer subscribed to, and the Responses
 * that bring it up to date, de-duplicated by a hash of each payload as Consul's exporter does.
 */
import { createHash } from 'node:crypto';
import type { ExportSource } from './export-set.ts';
import { PeeringServerAddresses, PeeringTrustBundle } from './generated/private/pbpeering/peering.ts';
import {
  ExportedService,
  ExportedServiceList,
  Operation,
  type ReplicationMessage,
} from './generated/private/pbpeerstream/peerstream.ts';
import { formatNonce, type KnownResourceURL, packAny, ResourceID, ResourceURL } from './resource-urls.ts';

interface Candidate {
  readonly url: KnownResourceURL;
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** Builds the outgoing Responses of one stream; nonces count up per stream from 00000001. */
export class ReplicationOutbox {
  private nonce = 0;
  private readonly subscribed = new Set<KnownResourceURL>();
  private readonly sentHashes = new Map<string, string>();
  private readonly sentServices = new Set<string>();

  constructor(private readonly exports: ExportSource) {}

  /** Records a subscription; returns false when it repeats one (Consul ignores repeats). */
  subscribe(url: KnownResourceURL): boolean {
    if (this.subscribed.has(url)) return false;
    this.subscribed.add(url);
    return true;
  }

  /** Whether the peer subscribed to a resource type. */
  isSubscribed(url: string): boolean {
    return this.subscribed.has(url as KnownResourceURL);
  }

  /** Names currently exported to the peer, sorted (StreamStatus.ExportedServices). */
  exportedServiceNames(): string[] {
    return [...this.exports.current().services.keys()].sort();
  }

  /** The Responses needed now, each with the next nonce; unchanged payloads are skipped. */
  drain(): ReplicationMessage[] {
    const out: ReplicationMessage[] = [];
    for (const candidate of this.candidates()) {
      const key = `${candidate.url}|${candidate.id}`;
      const hash = createHash('sha256').update(candidate.bytes).digest('hex');
      if (this.sentHashes.get(key) === hash) continue;
      this.sentHashes.set(key, hash);
      this.nonce += 1;
      const response = {
        Nonce: formatNonce(this.nonce),
        ResourceURL: candidate.url,
        ResourceID: candidate.id,
        Resource: packAny(candidate.url, candidate.bytes),
        operation: Operation.OPERATION_UPSERT,
      };
      out.push({ Payload: { $case: 'response', value: response } });
    }
    return out;
  }

  private candidates(): Candidate[] {
    const data = this.exports.current();
    const names = [...data.services.keys()].sort();
    const out: Candidate[] = [];
    if (this.subscribed.has(ResourceURL.exportedServiceList)) {
      const bytes = ExportedServiceList.encode({ Services: names }).finish();
      out.push({ url: ResourceURL.exportedServiceList, id: ResourceID.exportedServiceList, bytes });
    }
    if (this.subscribed.has(ResourceURL.exportedService)) out.push(...this.serviceCandidates(names));
    if (this.subscribed.has(ResourceURL.trustBundle) && data.trustBundle !== undefined) {
      const bytes = PeeringTrustBundle.encode(data.trustBundle).finish();
      out.push({ url: ResourceURL.trustBundle, id: ResourceID.trustBundle, bytes });
    }
    // An empty address list would clear the dialer's PeerServerAddresses; Consul never sends one.
    if (this.subscribed.has(ResourceURL.serverAddresses) && data.serverAddresses.length > 0) {
      const bytes = PeeringServerAddresses.encode({ Addresses: [...data.serverAddresses] }).finish();
      out.push({ url: ResourceURL.serverAddresses, id: ResourceID.serverAddresses, bytes });
    }
    return out;
  }

  private serviceCandidates(names: readonly string[]): Candidate[] {
    const services = this.exports.current().services;
    const out: Candidate[] = [];
    for (const name of names) {
      const bytes = ExportedService.encode({ Nodes: [...(services.get(name) ?? [])] }).finish();
      out.push({ url: ResourceURL.exportedService, id: name, bytes });
      this.sentServices.add(name);
    }
    // A service that stopped being exported is deleted by an UPSERT with an empty node list.
    for (const name of [...this.sentServices]) {
      if (services.has(name)) continue;
      out.push({
        url: ResourceURL.exportedService,
        id: name,
        bytes: ExportedService.encode({ Nodes: [] }).finish(),
      });
      this.sentServices.delete(name);
    }
    return out;
  }
}
