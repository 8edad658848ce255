/**
 * Who is calling, from the SPIFFE ID of a verified client certificate, the way the principals of
 * hashicorp/consul agent/xds/rbac.go match it: a source of this cluster is its trust domain with
 * the partition, namespace and service of the ID; a source imported from a peer matches only
 * through that peer's trust bundle, whose TrustDomain and ExportedPartition must be the ID's host
 * and partition (makeSpiffePattern with Peer set). Trust is checked as Envoy's SPIFFE certificate
 * validator does: the leaf must be signed by a root of the bundle of its own trust domain.
 */
import { X509Certificate } from 'node:crypto';
import type { IntentionSourceRef } from '../consul/intention-decision.ts';
import type { PeeringTrustBundle } from '../peering/index.ts';
import type { ServiceIdentity } from './spiffe-id.ts';

/** The trust a destination's sidecar holds: its own CA and the bundles of its partition's peers. */
export interface SidecarTrust {
  readonly trustDomain: string;
  readonly caPem: string;
  readonly peers: readonly PeeringTrustBundle[];
}

const partitionOf = (bundle: PeeringTrustBundle) => bundle.ExportedPartition || 'default';

/** The peer bundle an identity of another trust domain matches, if any. */
function bundleOf(id: ServiceIdentity, trust: SidecarTrust): PeeringTrustBundle | undefined {
  return trust.peers.find(
    (b) => b.TrustDomain.toLowerCase() === id.trustDomain && partitionOf(b) === id.partition,
  );
}

/** The intention source an identity is, or undefined when no intention can name it. */
export function sourceOf(id: ServiceIdentity, trust: SidecarTrust): IntentionSourceRef | undefined {
  if (id.trustDomain === trust.trustDomain)
    return { peer: '', partition: id.partition, namespace: id.namespace, name: id.service };
  const bundle = bundleOf(id, trust);
  if (bundle === undefined) return undefined;
  return { peer: bundle.PeerName, namespace: id.namespace, name: id.service };
}

/** The roots that may sign a certificate of a trust domain: the local CA, or one peer's bundle. */
export function rootsFor(trustDomain: string, trust: SidecarTrust): readonly string[] {
  if (trustDomain === trust.trustDomain) return [trust.caPem];
  return trust.peers.filter((b) => b.TrustDomain.toLowerCase() === trustDomain).flatMap((b) => b.RootPEMs);
}

/** Whether `cert` is valid now and signed by one of `roots` (the sandbox's CAs sign leaves directly). */
export function signedByOneOf(cert: X509Certificate, roots: readonly string[]): boolean {
  const now = Date.now();
  if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return false;
  return roots.some((pem) => {
    try {
      const root = new X509Certificate(pem);
      return cert.checkIssued(root) && cert.verify(root.publicKey);
    } catch {
      return false;
    }
  });
}
