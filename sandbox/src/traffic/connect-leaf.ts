/**
 * Service leaf certificates signed by a cluster's Connect CA, as Consul's leaf certificate manager
 * gets them for each sidecar (hashicorp/consul agent/leafcert, agent/connect/ca): an EC P-256 key,
 * the service's SPIFFE ID as the only URI SAN, client and server usage, 72 hours by default
 * (`leaf_cert_ttl`). One leaf per identity is kept and reused, as the agent caches it.
 * Simplified: no rotation, as the sandbox runs far shorter than a leaf lives.
 */
// First: it loads the Reflect polyfill @peculiar/x509 needs and sets its WebCrypto provider.
import '../../../src/tls/certificate-authority.ts';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A leaf certificate and its key, PEM. */
export interface LeafCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The CA material a leaf is signed with. */
export interface ConnectCa {
  readonly caPem: string;
  readonly caKeyPem: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const LEAF_TTL_MS = 72 * 3_600_000;

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

async function issue(ca: ConnectCa, spiffeId: string): Promise<LeafCertificate> {
  const caCert = new x509.X509Certificate(ca.caPem);
  const der = createPrivateKey(ca.caKeyPem).export({ type: 'pkcs8', format: 'der' });
  const caKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${spiffeId.slice(spiffeId.lastIndexOf('/') + 1)}`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + LEAF_TTL_MS),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId }]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(keyDer, 'PRIVATE KEY') };
}

/** Signs and caches the leaves of one Connect CA. */
export class LeafSigner {
  private readonly leaves = new Map<string, Promise<LeafCertificate>>();

  constructor(private readonly ca: ConnectCa) {}

  /** The leaf for a SPIFFE ID, signed once. */
  leaf(spiffeId: string): Promise<LeafCertificate> {
    let leaf = this.leaves.get(spiffeId);
    if (leaf === undefined) {
      leaf = issue(this.ca, spiffeId);
      this.leaves.set(spiffeId, leaf);
    }
    return leaf;
  }
}
